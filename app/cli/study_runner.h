#pragma once

// The weak-supervision studies of a project run from the command line: `imbalance-cli study`
// and `imbalance-cli run` (which runs a project's studies after its runs) share the loading of
// a study's events, the run (runWeakStudy, the window's code path) and the results table.

#include <ostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/project/project.h"
#include "core/project/study_store.h"
#include "core/unsup/weak_study_run.h"

namespace imbw::cli {

/// The study's events as the window selects them: the project's analysis with the study's cut.
/// Throws imbw::Error naming the study, a bad starting expression or a missing value.
StudyEvents loadStudyEvents(const Analysis& analysis, const WeakStudy& study);

/// The studies `--studies` asks for: "all" (every study), "none", or ids / names, comma
/// separated. Throws imbw::Error naming an unknown study (with "did you mean").
std::vector<std::string> chooseStudies(const Project& project, const std::string& text);

/// Runs each study of `ids` on `threads` threads (progress lines on stderr unless quiet), puts
/// its result in `results` and marks it done in `project`. Prints each study's per-score lines
/// when `detail`. False when the user pressed Ctrl-C (the study that ran then is not kept).
bool runStudies(Project& project, const std::vector<std::string>& ids, StudyStore& results,
                int threads, bool quiet, bool detail);

/// One study's lines: its scores' AUC, 1/ε_B at ε_S = 0.2 and max ε_S/√ε_B (Tag N' Train: the
/// start and each iteration, with the tag purity), and the supervised reference.
void printStudyDetail(std::ostream& os, const WeakStudy& study, const StudyResult& result);

/// The studies' results table: study, method, S/B of its events (by weight), AUC, 1/ε_B at
/// ε_S = 0.2, max ε_S/√ε_B (inside the window, against the truth; "-" without truth) and the
/// supervised reference's AUC and max ε_S/√ε_B. A study without results says so.
void printStudiesTable(std::ostream& os, const Project& project, const StudyStore& results,
                       const std::vector<std::string>& ids);

/// `imbalance-cli run`'s studies: --studies all|none|LIST; without it every study of the project
/// unless --run or --model picks runs. Throws for an unknown study, before any training.
std::vector<std::string> runCommandStudies(const Project& project, const Args& args);
/// --threads (default 2) for the studies.
int studyThreads(const Args& args);
/// After `run`'s runs: runs the studies (results into `results`), prints their table to stdout.
/// False on Ctrl-C.
bool runAndReportStudies(Project& project, const std::vector<std::string>& ids, StudyStore& results,
                         const Args& args);
/// `run` on a project with studies and no runs: runs them, prints the table and with --save
/// keeps them in the project and its sidecar. Returns the exit code.
int runOnlyStudies(Project& project, const std::string& path, const std::vector<std::string>& ids,
                   const Args& args);

/// A signal-fraction scan's table (S/B, method, N_S, N_B, AUC, 1/ε_B at ε_S = 0.2, max
/// ε_S/√ε_B, seconds) as text for the terminal, CSV (full precision; header s_over_b,method,
/// signal_events,background_events,auc,rejection_at_eff_s_0.2,max_sic,eff_s_at_max_sic,seconds)
/// or markdown.
void printScanTable(std::ostream& os, const std::vector<ScanPoint>& points);
void writeScanCsv(std::ostream& os, const std::vector<ScanPoint>& points);
void writeScanMarkdown(std::ostream& os, const std::vector<ScanPoint>& points);

/// Signal over background (by weight) of a study's events; NaN without truth.
double studySignalOverBackground(const StudyResult& result);

}  // namespace imbw::cli
