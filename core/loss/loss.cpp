#include "core/loss/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/error.h"
#include "core/util/json_number.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

// γ as a small whole number (0..8), or −1: then (1 − p_t)^γ is a few multiplications instead
// of a pow() call, which dominated the focal gradient inside the boosting loop (perf: pow alone
// took 11 % of a focal GBDT fit at γ = 2).
int wholeGamma(double gamma) {
  return gamma >= 0.0 && gamma <= 8.0 && gamma == std::floor(gamma) ? static_cast<int>(gamma) : -1;
}

template <typename T>
T powWhole(T s, int n) {
  T r = 1;
  for (int i = 0; i < n; ++i) r *= s;
  return r;
}

// pow(s, γ) with 0^0 = 1 (γ = 0 must reduce focal to weighted CE even when s underflows).
double powGamma(double s, double gamma) {
  const int whole = wholeGamma(gamma);
  return whole >= 0 ? powWhole(s, whole) : std::pow(s, gamma);
}

// p_t = σ(u), s = σ(−u) and their logarithms from one exp and one log1p: with e = exp(−|u|)
// and l = ln(1 + e), σ(|u|) = 1/(1 + e), σ(−|u|) = e/(1 + e), ln σ(|u|) = −l and
// ln σ(−|u|) = −|u| − l. Each of the four keeps full relative precision in both tails.
template <typename T>
struct BinaryParts {
  T p, s, logP, logS;
};

template <typename T>
BinaryParts<T> binaryParts(T u) {
  const T e = std::exp(-std::abs(u));
  const T l = std::log1p(e);
  const T big = T(1) / (T(1) + e);
  const T small = e * big;
  if (u >= T(0)) return {big, small, -l, -u - l};
  return {small, big, u - l, -l};
}

// The focal terms for one event as a function of the correct-class probability, written with
// p_t, s = 1 − p_t (each computed directly, never as 1 − the other) and ln p_t, so both tails
// keep full relative precision.
template <typename T>
struct FocalTerms {
  T value;    // −α (1 − p)^γ ln p
  T dValue;   // d value / d logit(p): α s^γ (γ p ln p − s)
  T d2Value;  // α p s^γ [ (2γ+1) s + γ (1 − (1+γ) p) ln p ]
};

// sg = s^γ, passed in because the binary path has a cheaper way to form it than pow().
template <typename T>
FocalTerms<T> focalTerms(T p, T s, T logP, T alpha, T gamma, T sg) {
  FocalTerms<T> t{};
  t.value = -alpha * sg * logP;
  t.dValue = alpha * sg * (gamma * p * logP - s);
  t.d2Value =
      alpha * p * sg * ((T(2) * gamma + T(1)) * s + gamma * (T(1) - (T(1) + gamma) * p) * logP);
  return t;
}

// binaryLoss in the precision T (double for the toolkit, float for XGBoost's gradient pairs).
template <typename T>
void binaryLossIn(const LossConfig& loss, std::span<const T> margin,
                  std::span<const std::uint8_t> target, std::span<const double> weight, T* value,
                  T* grad, T* hess) {
  const std::size_t n = margin.size();
  if (target.size() != n)
    throw Error("binary loss: " + std::to_string(n) + " margins but " +
                std::to_string(target.size()) + " targets");
  if (!weight.empty() && weight.size() != n)
    throw Error("binary loss: " + std::to_string(n) + " margins but " +
                std::to_string(weight.size()) + " weights");
  const bool useAlpha = loss.kind != LossKind::CrossEntropy;
  const T gamma = static_cast<T>(loss.kind == LossKind::Focal ? loss.gamma : 0.0);
  const int whole = wholeGamma(gamma);
  const T alphaSig = useAlpha ? static_cast<T>(loss.alpha) : T(1);
  const T alphaBkg = useAlpha ? static_cast<T>(1.0 - loss.alpha) : T(1);
  for (std::size_t i = 0; i < n; ++i) {
    const bool signal = target[i] != 0;
    const T y = signal ? T(1) : T(-1);
    const T u = y * margin[i];  // margin of the true class: p_t = σ(u)
    const T w = weight.empty() ? T(1) : static_cast<T>(weight[i]);
    const BinaryParts<T> b = binaryParts(u);
    // s^γ = exp(γ ln s) when γ is not a small whole number: ln s is at hand, exact in the tail
    // where s underflows (exp → 0, as pow would give).
    const T sg = whole >= 0 ? powWhole(b.s, whole) : std::exp(gamma * b.logS);
    const FocalTerms<T> t = focalTerms(b.p, b.s, b.logP, signal ? alphaSig : alphaBkg, gamma, sg);
    if (value) value[i] = w * t.value;
    // d/dz = y d/du, d²/dz² = d²/du² (y² = 1).
    if (grad) grad[i] = w * y * t.dValue;
    if (hess) hess[i] = w * t.d2Value;
  }
}

const std::vector<std::string>& lossKindNames() {
  static const std::vector<std::string> names{"cross_entropy", "weighted_cross_entropy", "focal"};
  return names;
}

std::string formatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

const char* lossKindName(LossKind kind) {
  switch (kind) {
    case LossKind::CrossEntropy:
      return "cross_entropy";
    case LossKind::WeightedCrossEntropy:
      return "weighted_cross_entropy";
    case LossKind::Focal:
      return "focal";
  }
  return "cross_entropy";
}

LossKind lossKindFromName(const std::string& name) {
  if (name == "cross_entropy") return LossKind::CrossEntropy;
  if (name == "weighted_cross_entropy") return LossKind::WeightedCrossEntropy;
  if (name == "focal") return LossKind::Focal;
  throw Error(unknownNameMessage("loss", name, lossKindNames()));
}

nlohmann::json LossConfig::toJson() const {
  nlohmann::json j;
  j["kind"] = lossKindName(kind);
  j["alpha"] = alpha;
  j["gamma"] = gamma;
  j["class_alpha"] = classAlpha;
  j["hessian_floor"] = hessianFloor;
  return j;
}

LossConfig LossConfig::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("loss settings must be a JSON object");
  static const std::vector<std::string> keys{"kind", "alpha", "gamma", "class_alpha",
                                             "hessian_floor"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw Error(unknownNameMessage("loss setting", key, keys));
  }
  LossConfig c;
  try {
    if (j.contains("kind")) c.kind = lossKindFromName(j.at("kind").get<std::string>());
    if (j.contains("alpha")) c.alpha = jsonNumber<double>(j.at("alpha"), "loss alpha");
    if (j.contains("gamma")) c.gamma = jsonNumber<double>(j.at("gamma"), "loss gamma");
    if (j.contains("class_alpha"))
      c.classAlpha = jsonValue<std::vector<double>>(j.at("class_alpha"), "loss class_alpha");
    if (j.contains("hessian_floor"))
      c.hessianFloor = jsonNumber<double>(j.at("hessian_floor"), "loss hessian_floor");
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("bad loss settings: ") + e.what());
  }
  c.validate(c.classAlpha.empty() ? 2 : static_cast<int>(c.classAlpha.size()));
  return c;
}

void LossConfig::validate(int numClasses) const {
  if (!(alpha >= 0.0 && alpha <= 1.0))
    throw Error("loss alpha must lie in [0, 1], got " + formatNumber(alpha));
  if (!(gamma >= 0.0) || !std::isfinite(gamma))
    throw Error("focal gamma must be a finite number >= 0, got " + formatNumber(gamma));
  if (!std::isfinite(hessianFloor))
    throw Error("hessian floor must be finite, got " + formatNumber(hessianFloor));
  if (!classAlpha.empty()) {
    if (numClasses > 2 && static_cast<int>(classAlpha.size()) != numClasses)
      throw Error("class_alpha has " + std::to_string(classAlpha.size()) +
                  " entries but there are " + std::to_string(numClasses) + " classes");
    for (std::size_t i = 0; i < classAlpha.size(); ++i) {
      if (!(classAlpha[i] >= 0.0) || !std::isfinite(classAlpha[i]))
        throw Error("class_alpha[" + std::to_string(i) + "] must be a finite number >= 0, got " +
                    formatNumber(classAlpha[i]));
    }
  }
  if (numClasses < 2) throw Error("a loss needs at least 2 classes");
}

void binaryLoss(const LossConfig& loss, std::span<const double> margin,
                std::span<const std::uint8_t> target, std::span<const double> weight, double* value,
                double* grad, double* hess) {
  binaryLossIn(loss, margin, target, weight, value, grad, hess);
}

void binaryGradientsFloat(const LossConfig& loss, std::span<const float> margin,
                          std::span<const std::uint8_t> target, std::span<const double> weight,
                          float* grad, float* hess) {
  binaryLossIn<float>(loss, margin, target, weight, nullptr, grad, hess);
}

void categoricalLoss(const LossConfig& loss, int numClasses, std::span<const double> margins,
                     std::span<const std::int32_t> label, std::span<const double> weight,
                     double* value, double* grad, double* hess) {
  if (numClasses < 2) throw Error("categorical loss needs at least 2 classes");
  const auto k = static_cast<std::size_t>(numClasses);
  const std::size_t n = label.size();
  if (margins.size() != n * k)
    throw Error("categorical loss: " + std::to_string(margins.size()) + " margins for " +
                std::to_string(n) + " events × " + std::to_string(k) + " classes");
  if (!weight.empty() && weight.size() != n)
    throw Error("categorical loss: " + std::to_string(n) + " events but " +
                std::to_string(weight.size()) + " weights");
  const bool useAlpha = loss.kind != LossKind::CrossEntropy && !loss.classAlpha.empty();
  if (useAlpha && loss.classAlpha.size() != k)
    throw Error("class_alpha has " + std::to_string(loss.classAlpha.size()) +
                " entries but there are " + std::to_string(k) + " classes");
  const double gamma = loss.kind == LossKind::Focal ? loss.gamma : 0.0;
  std::vector<double> e(k);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t yi = label[i];
    if (yi < 0 || static_cast<std::size_t>(yi) >= k)
      throw Error("categorical loss: label " + std::to_string(yi) + " of event " +
                  std::to_string(i) + " is outside 0.." + std::to_string(k - 1));
    const auto y = static_cast<std::size_t>(yi);
    const double* z = margins.data() + i * k;
    const double zMax = *std::max_element(z, z + k);
    double sumOthers = 0.0;  // Σ_{j≠y} e_j, never formed as S − e_y (cancellation)
    for (std::size_t j = 0; j < k; ++j) {
      e[j] = std::exp(z[j] - zMax);
      if (j != y) sumOthers += e[j];
    }
    const double sum = e[y] + sumOthers;
    const double p = e[y] / sum;
    const double s = sumOthers / sum;  // 1 − p_y
    const double logP = (z[y] == zMax) ? -std::log1p(sumOthers) : (z[y] - zMax) - std::log(sum);
    const double alphaY = useAlpha ? loss.classAlpha[y] : 1.0;
    const double w = weight.empty() ? 1.0 : weight[i];
    const double sg = powGamma(s, gamma);
    const FocalTerms<double> t = focalTerms(p, s, logP, alphaY, gamma, sg);
    if (value) value[i] = w * t.value;
    if (!grad && !hess) continue;
    // For j ≠ y: g_j = −r_j B with r_j = p_j / (1 − p_y) (softmax over the other classes) and
    // B = dValue. h_j = −r_j (1 − p_j) B + α p_y r_j² s^γ [(1−γ)(γ p ln p − s) + s(γ ln p + γ +
    // 1)].
    const double inner = gamma * p * logP - s;
    const double c2 = alphaY * p * sg * ((1.0 - gamma) * inner + s * (gamma * logP + gamma + 1.0));
    for (std::size_t j = 0; j < k; ++j) {
      double g = 0.0;
      double h = 0.0;
      if (j == y) {
        g = t.dValue;
        h = t.d2Value;
      } else if (sumOthers > 0.0) {
        const double r = e[j] / sumOthers;
        const double pj = e[j] / sum;
        g = -r * t.dValue;
        h = -r * (1.0 - pj) * t.dValue + r * r * c2;
      }
      if (grad) grad[i * k + j] = w * g;
      if (hess) hess[i * k + j] = w * h;
    }
  }
}

void applyHessianFloor(std::span<double> hess, double floor) {
  if (!(floor > 0.0)) return;
  for (double& h : hess) h = std::max(h, floor);
}

void applyHessianFloor(std::span<float> hess, double floor) {
  if (!(floor > 0.0)) return;
  const auto f = static_cast<float>(floor);
  for (float& h : hess) h = std::max(h, f);
}

double priorMargin(std::span<const std::uint8_t> target, std::span<const double> weight) {
  if (!weight.empty() && weight.size() != target.size())
    throw Error("prior margin: " + std::to_string(target.size()) + " targets but " +
                std::to_string(weight.size()) + " weights");
  double sig = 0.0;
  double total = 0.0;
  for (std::size_t i = 0; i < target.size(); ++i) {
    const double w = weight.empty() ? 1.0 : weight[i];
    total += w;
    if (target[i] != 0) sig += w;
  }
  const double bkg = total - sig;
  if (!(sig > 0.0) || !(bkg > 0.0))
    throw Error(
        "prior margin needs a positive weighted total of both signal and background "
        "(signal " +
        formatNumber(sig) + ", background " + formatNumber(bkg) + ")");
  return std::log(sig) - std::log(bkg);
}

}  // namespace imbw
