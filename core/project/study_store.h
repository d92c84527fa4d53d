#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/unsup/weak_study_run.h"

namespace imbw {

/// The results of a project's weak-supervision studies, by study id.
using StudyStore = std::map<std::string, std::shared_ptr<const StudyResult>>;

/// Every study's results in the sidecar `path` (empty when the file or its "studies" group does
/// not exist). Layout, per study /studies/<id>/: the per-event datasets resonance, weight,
/// truth (uint8; empty without truth), score, supervised, start1, start2, start_combined, fold
/// (int32, Tag N' Train only); steps/step<k>/{score1,score2,combined} and
/// steps/step<k>/models1|models2/fold<f> (uint8, the classifier's saved file; group attribute
/// "suffix"); bump/cut<k>/{edges,all,signal,background,
/// reference,fit} with numbers = [efficiency, threshold, observed, expected, significance]
/// and attribute "fit_error"; metrics (n × 4: AUC, 1/ε_B at ε_S = 0.2, max ε_S/√ε_B, ε_S
/// there) for the method, the supervised reference, the start combined, object 1 and object 2,
/// then per step object 1, object 2, combined; purity (steps × 2); for a signal-fraction scan
/// scan (points × 8: S/B, N_S, N_B, AUC, 1/ε_B at ε_S = 0.2, max ε_S/√ε_B, ε_S there, seconds)
/// with attribute "scan_methods" (one method per point, comma separated); attributes "seconds",
/// "bump_error". Errors name the file and the study.
StudyStore readStudyStore(const std::string& path);

}  // namespace imbw
