#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/insight/imbalance_scan.h"
#include "core/resample/class_subsample.h"
#include "core/resample/stratified_kfold.h"

namespace imbw {

/// A finished scan over the signal fraction r as a project keeps it (the analysis key
/// "imbalanceScans", a list of these), so the window shows it again after reopening without
/// training anything. JSON:
///   {"run": "r3", "seed": 1, "points": [{"r": 0.05, "countR": 0.0500, "events": 5120,
///     "subsample": {ClassSubsample}, "cancelled": false,
///     "metrics": {"ap": {"mean": 0.41, "std": 0.02, "n": 5}, ...}}, ...]}
/// "run" is the project run whose held-out events and configuration the scan trained on.
struct ImbalanceScanRecord {
  struct Point {
    double targetR = 0.0;
    double countR = 0.0;       ///< signal fraction by count after the draw
    std::uint64_t events = 0;  ///< events the point's run saw (its held-out scores)
    bool cancelled = false;
    ClassSubsample subsample;
    std::map<std::string, MeanStd> metrics;  ///< the point run's mean ± std over folds
  };
  std::string runId;
  std::uint64_t seed = 1;
  std::vector<Point> points;

  static ImbalanceScanRecord fromScan(const std::string& runId, std::uint64_t seed,
                                      const std::vector<ImbalanceScanPoint>& points);
  nlohmann::json toJson() const;
  /// Throws imbw::Error naming the key or point that is wrong.
  static ImbalanceScanRecord fromJson(const nlohmann::json& j);
};

/// The records of an analysis's "imbalanceScans" value (null: none). Throws imbw::Error.
std::vector<ImbalanceScanRecord> imbalanceScanRecords(const nlohmann::json& list);
/// Sets (replaces) the record of `record.runId` in an "imbalanceScans" value; returns it.
nlohmann::json withImbalanceScan(const nlohmann::json& list, const ImbalanceScanRecord& record);

}  // namespace imbw
