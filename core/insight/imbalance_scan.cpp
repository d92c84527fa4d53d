#include "core/insight/imbalance_scan.h"

#include <cmath>
#include <string>

#include "core/util/error.h"

namespace imbw {

ClassSubsample subsampleForSignalFraction(const FeatureMatrix& data, double r, std::uint64_t seed) {
  if (!(r > 0.0 && r < 1.0))
    throw Error("imbalance scan: the signal fraction must be in (0, 1), not " + std::to_string(r));
  if (data.numClasses() != 2)
    throw Error("imbalance scan: needs two classes, the analysis has " +
                std::to_string(data.numClasses()));
  std::uint64_t ns = 0, nb = 0;
  for (std::size_t i = 0; i < data.rows(); ++i) (data.isSignal(i) ? ns : nb) += 1;
  if (ns == 0 || nb == 0) throw Error("imbalance scan: a class has no events");
  const int bkg = 1 - data.signalClass;
  ClassSubsample c;
  c.seed = seed;
  ClassSubsample::Keep keep;
  keep.byCount = true;
  const double natural = static_cast<double>(ns) / static_cast<double>(ns + nb);
  if (r <= natural) {
    keep.count = static_cast<std::uint64_t>(std::llround(r / (1.0 - r) * static_cast<double>(nb)));
    c.classes.emplace_back(data.classNames[data.signalClass], keep);
  } else {
    keep.count = static_cast<std::uint64_t>(std::llround((1.0 - r) / r * static_cast<double>(ns)));
    c.classes.emplace_back(data.classNames[bkg], keep);
  }
  if (keep.count == 0)
    throw Error("imbalance scan: r = " + std::to_string(r) + " leaves no event of a class (" +
                std::to_string(ns) + " signal, " + std::to_string(nb) + " background)");
  return c;
}

std::vector<ImbalanceScanPoint> imbalanceScan(const FeatureMatrix& data, const RunConfig& run,
                                              const std::vector<double>& rs,
                                              TrainingObserver& observer, std::uint64_t seed) {
  // Every draw is checked before the first training.
  std::vector<ClassSubsample> draws;
  for (std::size_t k = 0; k < rs.size(); ++k)
    draws.push_back(subsampleForSignalFraction(data, rs[k], seed + k));
  std::vector<ImbalanceScanPoint> out;
  for (std::size_t k = 0; k < rs.size(); ++k) {
    ImbalanceScanPoint p;
    p.targetR = rs[k];
    p.subsample = draws[k];
    SubsampleResult sr;
    const FeatureMatrix m = applySubsample(draws[k], data, &sr);
    const double all = static_cast<double>(sr.after[0] + sr.after[1]);
    p.countR = static_cast<double>(sr.after[static_cast<std::size_t>(data.signalClass)]) / all;
    p.result = runCrossValidated(m, run, observer);
    const bool cancelled = p.result.cancelled;
    out.push_back(std::move(p));
    if (cancelled) break;
  }
  return out;
}

}  // namespace imbw
