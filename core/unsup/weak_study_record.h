#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/unsup/weak_study.h"

namespace imbw {

/// A weak-supervision study as a project keeps it (the "weak_studies" list of the project
/// file): the method, the resonance variable, the cut at the time, the settings of the study
/// (objects, window, tag fractions, models, folds, seed) and, for Tag N' Train, each object's
/// starting score as an expression (both empty: an autoencoder per object); or a signal-fraction
/// scan of several methods ("method": "scan", "fractions", "methods"). Its per-event
/// results live in the sidecar (core/project/study_store.h), keyed by `id`.
struct WeakStudy {
  std::string id;    ///< "w1", "w2", ...; never reused within a project
  std::string name;  ///< shown in the window's list of studies
  std::string method = "tnt";
  std::string resonance = "mjj";
  std::string cut;             ///< the analysis cut when it ran (or was configured)
  std::string start1, start2;  ///< TNT's starting scores; empty: the objects' autoencoders
  WeakStudyConfig config;      ///< `threads` is not stored (it does not change a number)
  bool withSupervised = true;  ///< also the supervised reference (when the truth is known)
  std::vector<double> efficiencies{0.1, 0.01, 0.001};  ///< the bump hunt's score cuts
  bool done = false;                                   ///< its results are in the sidecar
  /// A signal-fraction scan (method "scan"): the S/B values and the methods run at each
  /// (weakMethodNames); its result is the scan's points (StudyResult::scan).
  std::vector<double> fractions;
  std::vector<std::string> scanMethods;

  bool isScan() const { return method == kScanMethod; }
  static constexpr const char* kScanMethod = "scan";
  bool usesStartExpressions() const { return !start1.empty() || !start2.empty(); }
  nlohmann::json toJson() const;
  /// Throws imbw::Error naming "weak_studies[index]" and the key.
  static WeakStudy fromJson(const nlohmann::json& j, std::size_t index);
};

/// Throws imbw::Error unless a scan has S/B values (all positive) and known methods.
void checkScanSettings(const std::vector<double>& fractions,
                       const std::vector<std::string>& methods);

nlohmann::json weakStudyConfigToJson(const WeakStudyConfig& c);
/// Missing keys keep WeakStudyConfig's defaults; throws imbw::Error naming a bad key.
WeakStudyConfig weakStudyConfigFromJson(const nlohmann::json& j);

}  // namespace imbw
