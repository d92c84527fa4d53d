#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/eval/pr_curve.h"
#include "core/eval/roc_curve.h"

namespace imbw {

/// One class against all others: its ROC and PR curves and scalars.
struct ClassCurves {
  int classIndex = 0;
  RocCurve roc;
  PrCurve pr;
  double auc = 0.0;
  double averagePrecision = 0.0;
  double fraction = 0.0;  ///< weighted share of this class (AP of a random classifier)
};

/// K > 2 classes, one-vs-rest. Macro averages are the unweighted means over the classes
/// (scikit-learn's roc_auc_score(multi_class="ovr", average="macro") and
/// average_precision_score(average="macro") on one-hot labels).
struct OneVsRest {
  std::vector<ClassCurves> perClass;
  double macroAuc = 0.0;
  double macroAveragePrecision = 0.0;
};

/// `probabilities`: n × classes, row-major (Model::predictProba); `classIndex`: the true class
/// of each event in [0, classes) (FeatureMatrix::label); `weights` empty = all 1.
/// Throws imbw::Error on mismatched sizes, classes < 2, a class index out of range, or a class
/// with no weight (its curves would be undefined).
OneVsRest oneVsRest(std::span<const double> probabilities, std::span<const std::int32_t> classIndex,
                    int classes, std::span<const double> weights = {});

}  // namespace imbw
