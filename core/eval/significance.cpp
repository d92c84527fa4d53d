#include "core/eval/significance.h"

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace imbw {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void consider(SignificanceScan::Best& best, double z, double threshold, double s, double b,
              double minBackground) {
  if (!std::isfinite(z) || b < minBackground || b <= 0.0) return;
  if (std::isnan(best.threshold) || z > best.z) best = {threshold, z, s, b};
}

}  // namespace

double significanceSOverSqrtB(double s, double b) {
  return b > 0.0 ? s / std::sqrt(b) : kNaN;
}

double significanceSOverSqrtSPlusB(double s, double b) {
  return s + b > 0.0 ? s / std::sqrt(s + b) : kNaN;
}

double asimovSignificance(double s, double b) {
  if (!(b > 0.0) || !(s + b > 0.0)) return kNaN;
  const double x = s / b;
  // q = (1+x) ln(1+x) − x = Σ_{n>=2} (−x)^n / (n(n−1)); the series avoids cancellation.
  double q;
  if (std::abs(x) < 1e-3) {
    const double x2 = x * x;
    q = x2 / 2.0 - x2 * x / 6.0 + x2 * x2 / 12.0 - x2 * x2 * x / 20.0;
  } else {
    q = (1.0 + x) * std::log1p(x) - x;
  }
  const double z = std::sqrt(2.0 * b * std::max(q, 0.0));
  return s < 0.0 ? -z : z;
}

SignificanceScan significanceScan(const RocCurve& roc, double luminosityFactor,
                                  double minBackground) {
  if (!(luminosityFactor > 0.0) || !std::isfinite(luminosityFactor))
    throw Error("significance: the luminosity factor must be a positive number");
  SignificanceScan scan;
  scan.luminosityFactor = luminosityFactor;
  const std::size_t n = roc.size() > 0 ? roc.size() - 1 : 0;
  scan.thresholds.resize(n);
  scan.s.resize(n);
  scan.b.resize(n);
  scan.sOverSqrtB.resize(n);
  scan.sOverSqrtSPlusB.resize(n);
  scan.asimov.resize(n);
  scan.bestSOverSqrtB.threshold = scan.bestSOverSqrtSPlusB.threshold = scan.bestAsimov.threshold =
      kNaN;
  scan.bestSOverSqrtB.z = scan.bestSOverSqrtSPlusB.z = scan.bestAsimov.z = kNaN;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = roc.tp[k + 1] * luminosityFactor;
    const double b = roc.fp[k + 1] * luminosityFactor;
    const double t = roc.thresholds[k + 1];
    scan.thresholds[k] = t;
    scan.s[k] = s;
    scan.b[k] = b;
    scan.sOverSqrtB[k] = significanceSOverSqrtB(s, b);
    scan.sOverSqrtSPlusB[k] = significanceSOverSqrtSPlusB(s, b);
    scan.asimov[k] = asimovSignificance(s, b);
    consider(scan.bestSOverSqrtB, scan.sOverSqrtB[k], t, s, b, minBackground);
    consider(scan.bestSOverSqrtSPlusB, scan.sOverSqrtSPlusB[k], t, s, b, minBackground);
    consider(scan.bestAsimov, scan.asimov[k], t, s, b, minBackground);
  }
  return scan;
}

}  // namespace imbw
