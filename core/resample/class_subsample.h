#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/data/event_table.h"
#include "core/data/feature_matrix.h"

namespace imbw {

/// Controlled imbalance: per class, keep a chosen number or fraction of its events (a seeded
/// random draw without replacement), so one study runs at r = 50 %, 5 %, 0.5 %.
/// JSON (an analysis-level option):
///   {"seed": 1, "rescaleWeights": false,
///    "classes": {"LL": {"fraction": 0.05}, "other": {"count": 40000}}}
/// Classes not listed keep every event. rescaleWeights = true multiplies the kept events'
/// weights by Σw(class before) / Σw(class kept), so the class's yield is unchanged (its
/// statistical weight per event grows); false keeps the weights, so the yields shrink with the
/// draw, which is what makes r change.
struct ClassSubsample {
  struct Keep {
    bool byCount = false;  ///< true: `count` events; false: `fraction` of them
    std::uint64_t count = 0;
    double fraction = 1.0;
  };
  std::vector<std::pair<std::string, Keep>> classes;  ///< in the file's order
  std::uint64_t seed = 1;
  bool rescaleWeights = false;

  bool empty() const { return classes.empty(); }
  nlohmann::json toJson() const;
  /// Throws imbw::Error naming the key or value that is wrong.
  static ClassSubsample fromJson(const nlohmann::json& j);
};

/// Which events survive, per class, in input order.
struct SubsampleResult {
  std::vector<std::size_t> kept;      ///< indices of the input events kept (ascending)
  std::vector<double> weight;         ///< their weights (rescaled when asked)
  std::vector<std::uint64_t> before;  ///< per class: events before
  std::vector<std::uint64_t> after;   ///< per class: events kept
  std::vector<double> weightBefore;   ///< per class: Σw before
  std::vector<double> weightAfter;    ///< per class: Σw after (with the rescaling)
};

/// The draw on class indices and weights. Throws imbw::Error on a class name not in
/// `classNames` (with "did you mean"), a count above the class's events, or a fraction outside
/// (0, 1]. The draw of one class does not depend on the other classes' settings.
SubsampleResult subsampleClasses(const ClassSubsample& config,
                                 const std::vector<std::string>& classNames,
                                 const std::vector<std::int32_t>& classIndex,
                                 const std::vector<double>& weight);

/// The same applied to a table / matrix (a copy with the kept events).
EventTable applySubsample(const ClassSubsample& config, const EventTable& table,
                          SubsampleResult* result = nullptr);
FeatureMatrix applySubsample(const ClassSubsample& config, const FeatureMatrix& matrix,
                             SubsampleResult* result = nullptr);

}  // namespace imbw
