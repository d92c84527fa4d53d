#pragma once

#include <cstddef>
#include <vector>

#include "core/eval/roc_curve.h"

namespace imbw {

/// s/√b; NaN when b <= 0.
double significanceSOverSqrtB(double s, double b);
/// s/√(s+b); NaN when s + b <= 0.
double significanceSOverSqrtSPlusB(double s, double b);
/// Asimov Z_A = √(2((s+b) ln(1+s/b) − s)) (Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727),
/// computed without cancellation for s << b (where it tends to s/√b). NaN when b <= 0 or
/// s + b <= 0; negative s gives a negative Z (the sign of s is kept).
double asimovSignificance(double s, double b);

/// The three significances for every cut "score >= threshold" of a ROC curve, with the
/// weighted yields s, b multiplied by a luminosity factor. Index k matches roc point k + 1
/// (the empty origin cut is left out).
struct SignificanceScan {
  struct Best {
    double threshold = 0.0;  ///< NaN when no cut qualifies
    double z = 0.0;
    double s = 0.0;
    double b = 0.0;
  };
  double luminosityFactor = 1.0;
  std::vector<double> thresholds;
  std::vector<double> s;
  std::vector<double> b;
  std::vector<double> sOverSqrtB;
  std::vector<double> sOverSqrtSPlusB;
  std::vector<double> asimov;
  Best bestSOverSqrtB;
  Best bestSOverSqrtSPlusB;
  Best bestAsimov;
};

/// `minBackground`: cuts whose scaled background yield is below it cannot be "best" (s/√b
/// diverges as b -> 0 with a handful of weighted events); 0 = only b > 0 is required.
SignificanceScan significanceScan(const RocCurve& roc, double luminosityFactor = 1.0,
                                  double minBackground = 0.0);

}  // namespace imbw
