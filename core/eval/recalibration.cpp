#include "core/eval/recalibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/util/error.h"

namespace imbw {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double weightAt(std::span<const double> w, std::size_t i) {
  return w.empty() ? 1.0 : w[i];
}

void checkInput(const char* what, std::span<const double> s, std::span<const std::uint8_t> y,
                std::span<const double> w) {
  if (s.size() != y.size() || (!w.empty() && w.size() != s.size()))
    throw Error(std::string(what) + ": " + std::to_string(s.size()) + " scores, " +
                std::to_string(y.size()) + " labels and " + std::to_string(w.size()) +
                " weights do not match");
  double ws = 0.0, wb = 0.0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const double wi = weightAt(w, i);
    if (wi < 0.0)
      throw Error(std::string(what) + ": event " + std::to_string(i) + " has the negative weight " +
                  std::to_string(wi) +
                  " (the fit needs non-negative weights: set the run's negative-weight policy)");
    if (!std::isfinite(s[i]))
      throw Error(std::string(what) + ": event " + std::to_string(i) + " has a non-finite score");
    (y[i] ? ws : wb) += wi;
  }
  if (!(ws > 0.0) || !(wb > 0.0))
    throw Error(std::string(what) +
                ": the calibration events need weight in both classes (signal " +
                std::to_string(ws) + ", background " + std::to_string(wb) + ")");
}

double sigmoid(double z) {
  return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

}  // namespace

const char* calibrationKindName(CalibrationConfig::Kind k) {
  switch (k) {
    case CalibrationConfig::Kind::Prior:
      return "prior";
    case CalibrationConfig::Kind::Platt:
      return "platt";
    case CalibrationConfig::Kind::Isotonic:
      return "isotonic";
    default:
      return "none";
  }
}

nlohmann::json CalibrationConfig::toJson() const {
  return {{"kind", calibrationKindName(kind)}, {"fraction", fraction}};
}

CalibrationConfig CalibrationConfig::fromJson(const nlohmann::json& j) {
  CalibrationConfig c;
  if (j.is_null()) return c;
  if (!j.is_object())
    throw Error("calibration must be an object {\"kind\": ..., \"fraction\": ...}");
  for (const auto& [key, v] : j.items())
    if (key != "kind" && key != "fraction")
      throw Error("calibration: unknown key '" + key + "' (known: kind, fraction)");
  if (j.contains("kind")) {
    if (!j.at("kind").is_string()) throw Error("calibration: kind must be a string");
    const std::string k = j.at("kind");
    if (k == "none")
      c.kind = Kind::None;
    else if (k == "prior")
      c.kind = Kind::Prior;
    else if (k == "platt")
      c.kind = Kind::Platt;
    else if (k == "isotonic")
      c.kind = Kind::Isotonic;
    else
      throw Error("calibration: kind '" + k + "' is not one of none, prior, platt, isotonic");
  }
  if (j.contains("fraction")) {
    if (!j.at("fraction").is_number()) throw Error("calibration: fraction must be a number");
    c.fraction = j.at("fraction");
    if (!(c.fraction > 0.0 && c.fraction < 1.0))
      throw Error("calibration: fraction must be in (0, 1), not " + j.at("fraction").dump());
  }
  return c;
}

double Calibrator::apply(double s) const {
  switch (kind) {
    case CalibrationConfig::Kind::Prior: {
      if (s <= 0.0 || s >= 1.0 || std::isnan(s)) return s;
      const double odds = s / (1.0 - s) / priorFactor;
      return odds / (1.0 + odds);
    }
    case CalibrationConfig::Kind::Platt:
      return sigmoid(-(plattA * s + plattB));
    case CalibrationConfig::Kind::Isotonic: {
      if (knotX.empty() || std::isnan(s)) return s;
      if (s <= knotX.front()) return knotY.front();
      if (s >= knotX.back()) return knotY.back();
      const auto it = std::upper_bound(knotX.begin(), knotX.end(), s);
      const std::size_t k = static_cast<std::size_t>(it - knotX.begin());
      const double x0 = knotX[k - 1], x1 = knotX[k];
      return knotY[k - 1] + (knotY[k] - knotY[k - 1]) * (s - x0) / (x1 - x0);
    }
    default:
      return s;
  }
}

std::vector<double> Calibrator::apply(std::span<const double> scores) const {
  std::vector<double> out(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) out[i] = apply(scores[i]);
  return out;
}

nlohmann::json Calibrator::toJson() const {
  nlohmann::json j{{"kind", calibrationKindName(kind)}};
  if (kind == CalibrationConfig::Kind::Prior) j["factor"] = priorFactor;
  if (kind == CalibrationConfig::Kind::Platt) j["a"] = plattA, j["b"] = plattB;
  if (kind == CalibrationConfig::Kind::Isotonic) j["x"] = knotX, j["y"] = knotY;
  return j;
}

Calibrator Calibrator::fromJson(const nlohmann::json& j) {
  try {
    Calibrator c;
    c.kind = CalibrationConfig::fromJson({{"kind", j.at("kind")}}).kind;
    if (c.kind == CalibrationConfig::Kind::Prior) c.priorFactor = j.at("factor");
    if (c.kind == CalibrationConfig::Kind::Platt) {
      c.plattA = j.at("a");
      c.plattB = j.at("b");
    }
    if (c.kind == CalibrationConfig::Kind::Isotonic) {
      c.knotX = j.at("x").get<std::vector<double>>();
      c.knotY = j.at("y").get<std::vector<double>>();
      if (c.knotX.size() != c.knotY.size() || c.knotX.empty())
        throw Error("calibrator: isotonic knots are damaged");
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("calibrator: ") + e.what());
  }
}

Calibrator priorCorrection(double factor) {
  if (!(factor > 0.0) || !std::isfinite(factor))
    throw Error("prior correction: the factor must be positive and finite, not " +
                std::to_string(factor));
  Calibrator c;
  c.kind = CalibrationConfig::Kind::Prior;
  c.priorFactor = factor;
  return c;
}

Calibrator fitPlatt(std::span<const double> s, std::span<const std::uint8_t> y,
                    std::span<const double> w) {
  checkInput("Platt scaling", s, y, w);
  double prior0 = 0.0, prior1 = 0.0;
  for (std::size_t i = 0; i < s.size(); ++i) (y[i] ? prior1 : prior0) += weightAt(w, i);
  // Platt's smoothed targets keep the fit finite on separable data.
  const double t1 = (prior1 + 1.0) / (prior1 + 2.0), t0 = 1.0 / (prior0 + 2.0);
  double a = 0.0, b = std::log((prior0 + 1.0) / (prior1 + 1.0));
  auto objective = [&](double A, double B) {
    double f = 0.0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double z = A * s[i] + B;  // P = σ(−z)
      const double t = y[i] ? t1 : t0;
      // −[t ln σ(−z) + (1 − t) ln σ(z)] = t·softplus(z) + (1 − t)·softplus(−z)
      const double sp = z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
      f += weightAt(w, i) * (t * sp + (1.0 - t) * (sp - z));
    }
    return f;
  };
  // Newton on the convex objective, with step halving (Platt 1999 / Lin, Lin, Weng 2007).
  double f = objective(a, b);
  for (int it = 0; it < 100; ++it) {
    double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const double p = sigmoid(-(a * s[i] + b));
      const double t = y[i] ? t1 : t0;
      const double wi = weightAt(w, i);
      const double g = wi * (t - p);  // d f / d z
      const double h = wi * p * (1.0 - p);
      ga += g * s[i];
      gb += g;
      haa += h * s[i] * s[i];
      hab += h * s[i];
      hbb += h;
    }
    const double det = (haa + 1e-12) * (hbb + 1e-12) - hab * hab;
    if (!(det > 0.0)) break;
    const double da = -((hbb + 1e-12) * ga - hab * gb) / det;
    const double db = -(-hab * ga + (haa + 1e-12) * gb) / det;
    double step = 1.0, fn = f;
    while (step > 1e-10) {
      fn = objective(a + step * da, b + step * db);
      if (fn <= f + 1e-4 * step * (ga * da + gb * db)) break;
      step *= 0.5;
    }
    if (step <= 1e-10) break;
    a += step * da;
    b += step * db;
    const bool done = std::abs(f - fn) <= 1e-14 * std::max(1.0, std::abs(f));
    f = fn;
    if (done) break;
  }
  Calibrator c;
  c.kind = CalibrationConfig::Kind::Platt;
  c.plattA = a;
  c.plattB = b;
  return c;
}

Calibrator fitIsotonic(std::span<const double> s, std::span<const std::uint8_t> y,
                       std::span<const double> w) {
  checkInput("isotonic regression", s, y, w);
  std::vector<std::size_t> order(s.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return s[i] < s[j]; });
  // Equal scores first become one point (their weighted mean truth), as scikit-learn does;
  // zero-weight points carry nothing.
  std::vector<double> x, mean, wt;
  for (std::size_t k = 0; k < order.size();) {
    const double v = s[order[k]];
    double sw = 0.0, swy = 0.0;
    for (; k < order.size() && s[order[k]] == v; ++k) {
      const double wi = weightAt(w, order[k]);
      sw += wi;
      swy += wi * y[order[k]];
    }
    if (sw <= 0.0) continue;
    x.push_back(v);
    mean.push_back(swy / sw);
    wt.push_back(sw);
  }
  // Pool adjacent violators: blocks [start, end) with their weighted mean.
  std::vector<std::size_t> start;
  std::vector<double> bm, bw;
  for (std::size_t i = 0; i < x.size(); ++i) {
    start.push_back(i);
    bm.push_back(mean[i]);
    bw.push_back(wt[i]);
    while (bm.size() > 1 && bm[bm.size() - 2] >= bm.back()) {
      const double w2 = bw.back(), m2 = bm.back();
      bm.pop_back();
      bw.pop_back();
      start.pop_back();
      bm.back() = (bm.back() * bw.back() + m2 * w2) / (bw.back() + w2);
      bw.back() += w2;
    }
  }
  Calibrator c;
  c.kind = CalibrationConfig::Kind::Isotonic;
  // Knots: the first and last point of each block (linear in between, as np.interp on every
  // point would give, since the value is constant inside a block).
  for (std::size_t b = 0; b < start.size(); ++b) {
    const std::size_t lo = start[b];
    const std::size_t hi = (b + 1 < start.size() ? start[b + 1] : x.size()) - 1;
    c.knotX.push_back(x[lo]);
    c.knotY.push_back(bm[b]);
    if (hi != lo) {
      c.knotX.push_back(x[hi]);
      c.knotY.push_back(bm[b]);
    }
  }
  return c;
}

double brierScore(std::span<const double> p, std::span<const std::uint8_t> y,
                  std::span<const double> w) {
  if (p.size() != y.size() || (!w.empty() && w.size() != p.size()))
    throw Error("Brier score: sizes do not match");
  double sw = 0.0, s = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double wi = weightAt(w, i), d = p[i] - y[i];
    sw += wi;
    s += wi * d * d;
  }
  return sw != 0.0 ? s / sw : kNaN;
}

double logLoss(std::span<const double> p, std::span<const std::uint8_t> y,
               std::span<const double> w) {
  if (p.size() != y.size() || (!w.empty() && w.size() != p.size()))
    throw Error("log loss: sizes do not match");
  double sw = 0.0, s = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double wi = weightAt(w, i);
    const double q = std::clamp(p[i], 1e-15, 1.0 - 1e-15);
    sw += wi;
    s -= wi * (y[i] ? std::log(q) : std::log1p(-q));
  }
  return sw != 0.0 ? s / sw : kNaN;
}

FoldedCalibrationCurve foldedCalibrationCurve(std::span<const double> scores,
                                              std::span<const std::uint8_t> isSignal,
                                              std::span<const double> weights,
                                              std::span<const int> fold, int bins) {
  if (fold.size() != scores.size())
    throw Error("calibration: " + std::to_string(fold.size()) + " fold indices for " +
                std::to_string(scores.size()) + " scores");
  if (bins < 1) throw Error("calibration: the number of bins must be at least 1");
  int folds = 0;
  for (int f : fold) folds = std::max(folds, f + 1);
  const auto nb = static_cast<std::size_t>(bins);
  std::vector<std::vector<double>> pred(nb), obs(nb);
  for (int k = 0; k < folds; ++k) {
    std::vector<double> s, w;
    std::vector<std::uint8_t> y;
    for (std::size_t i = 0; i < scores.size(); ++i)
      if (fold[i] == k && !std::isnan(scores[i])) {
        s.push_back(scores[i]);
        y.push_back(isSignal[i]);
        w.push_back(weights.empty() ? 1.0 : weights[i]);
      }
    if (s.empty()) continue;
    const CalibrationCurve c = calibrationCurve(s, y, w, bins, 0.0, 1.0);
    for (std::size_t j = 0; j < c.binLow.size(); ++j) {
      const auto b = static_cast<std::size_t>(std::lround(c.binLow[j] * static_cast<double>(bins)));
      if (b >= nb || std::isnan(c.meanPredicted[j])) continue;
      pred[b].push_back(c.meanPredicted[j]);
      obs[b].push_back(c.observedFraction[j]);
    }
  }
  FoldedCalibrationCurve out;
  auto stats = [](const std::vector<double>& v, double& m, double& sd) {
    const double n = static_cast<double>(v.size());
    m = std::accumulate(v.begin(), v.end(), 0.0) / n;
    double ss = 0.0;
    for (double x : v) ss += (x - m) * (x - m);
    sd = v.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN;
  };
  for (std::size_t b = 0; b < nb; ++b) {
    if (pred[b].empty()) continue;
    double m = 0, sd = 0;
    out.binLow.push_back(static_cast<double>(b) / bins);
    out.binHigh.push_back(static_cast<double>(b + 1) / bins);
    stats(pred[b], m, sd);
    out.meanPredicted.push_back(m);
    out.meanPredictedStd.push_back(sd);
    stats(obs[b], m, sd);
    out.observedFraction.push_back(m);
    out.observedFractionStd.push_back(sd);
    out.folds.push_back(static_cast<int>(pred[b].size()));
  }
  return out;
}

}  // namespace imbw
