#include "core/learn/input_transform.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

constexpr std::size_t kMaxKnots = 2000;
constexpr double kClip = 1e-6;

}  // namespace

double inverseNormalCdf(double p) {
  if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -INFINITY : (p == 1.0 ? INFINITY : NAN);
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // Two Halley steps on Φ(x) − p, with Φ from erfc (accurate in both tails).
  for (int i = 0; i < 2; ++i) {
    const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
    const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}

const char* inputTransformKindName(InputTransformConfig::Kind k) {
  switch (k) {
    case InputTransformConfig::Kind::Standardize:
      return "standardize";
    case InputTransformConfig::Kind::Decorrelate:
      return "decorrelate";
    case InputTransformConfig::Kind::Pca:
      return "pca";
    case InputTransformConfig::Kind::Gaussianize:
      return "gaussianize";
    default:
      return "none";
  }
}

nlohmann::json InputTransformConfig::toJson() const {
  nlohmann::json j{{"kind", inputTransformKindName(kind)}};
  if (!className.empty()) j["class"] = className;
  return j;
}

InputTransformConfig InputTransformConfig::fromJson(const nlohmann::json& j) {
  InputTransformConfig c;
  if (j.is_null()) return c;
  if (!j.is_object()) throw Error("transform must be an object {\"kind\": ...}");
  for (const auto& [key, v] : j.items())
    if (key != "kind" && key != "class")
      throw Error(unknownNameMessage("transform key", key, {"kind", "class"}));
  const std::vector<std::string> kinds{"none", "standardize", "decorrelate", "pca", "gaussianize"};
  if (j.contains("kind")) {
    if (!j.at("kind").is_string()) throw Error("transform: kind must be a string");
    const std::string k = j.at("kind");
    const auto it = std::find(kinds.begin(), kinds.end(), k);
    if (it == kinds.end()) throw Error("transform: " + unknownNameMessage("kind", k, kinds));
    c.kind = static_cast<Kind>(it - kinds.begin());
  }
  if (j.contains("class")) {
    if (!j.at("class").is_string()) throw Error("transform: class must be a class name");
    c.className = j.at("class");
    if (c.kind != Kind::Decorrelate && c.kind != Kind::Pca && !c.className.empty())
      throw Error("transform: \"class\" applies to decorrelate and pca only");
  }
  return c;
}

void InputTransform::fit(const FeatureMatrix& train) {
  using Kind = InputTransformConfig::Kind;
  const auto p = static_cast<Eigen::Index>(train.cols());
  m_features = train.featureNames;
  if (m_config.kind == Kind::None) return;
  int cls = -1;
  if (!m_config.className.empty()) {
    const auto it = std::find(train.classNames.begin(), train.classNames.end(), m_config.className);
    if (it == train.classNames.end())
      throw Error("transform: " +
                  unknownNameMessage("class", m_config.className, train.classNames));
    cls = static_cast<int>(it - train.classNames.begin());
  }
  const std::string what = std::string(inputTransformKindName(m_config.kind)) + " transform";
  if (m_config.kind == Kind::Gaussianize) {
    m_knots.assign(p, {});
    m_cdfAt.assign(p, {});
    m_cdfBelow.assign(p, {});
    m_exact.assign(p, 1);
    for (Eigen::Index f = 0; f < p; ++f) {
      std::vector<std::pair<double, double>> vw;
      for (std::size_t i = 0; i < train.rows(); ++i) {
        const double v = train.x(static_cast<Eigen::Index>(i), f);
        if (!std::isnan(v)) vw.emplace_back(v, train.weight[i]);
      }
      std::sort(vw.begin(), vw.end());
      double total = 0.0;
      for (const auto& e : vw) total += e.second;
      if (!(total > 0.0))
        throw Error(what + ": feature '" + train.featureNames[f] +
                    "' has no training events with a positive total weight");
      std::vector<double> knots, at, below;
      double run = 0.0;
      for (std::size_t k = 0; k < vw.size();) {
        const double v = vw[k].first;
        double t = 0.0;
        for (; k < vw.size() && vw[k].first == v; ++k) t += vw[k].second;
        knots.push_back(v);
        below.push_back(run / total);
        at.push_back((run + 0.5 * t) / total);
        run += t;
      }
      if (knots.size() > kMaxKnots) {
        std::vector<double> k2, a2, b2;
        for (std::size_t q = 0; q < kMaxKnots; ++q) {
          const std::size_t i = q * (knots.size() - 1) / (kMaxKnots - 1);
          k2.push_back(knots[i]);
          a2.push_back(at[i]);
          b2.push_back(below[i]);
        }
        knots.swap(k2);
        at.swap(a2);
        below.swap(b2);
        m_exact[f] = 0;
      }
      m_knots[f] = std::move(knots);
      m_cdfAt[f] = std::move(at);
      m_cdfBelow[f] = std::move(below);
    }
    return;
  }
  // Weighted mean and covariance (normalised by Σw) over the events used.
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(p);
  double sw = 0.0;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < train.rows(); ++i) {
    if (cls >= 0 && train.label[i] != cls) continue;
    const auto row = train.x.row(static_cast<Eigen::Index>(i));
    if (!row.allFinite()) continue;
    rows.push_back(i);
    sum += train.weight[i] * row.cast<double>();
    sw += train.weight[i];
  }
  if (rows.empty() || !(sw > 0.0))
    throw Error(what + ": the training events" +
                (cls >= 0 ? " of class '" + m_config.className + "'" : std::string()) +
                " have no positive total weight (" + std::to_string(rows.size()) + " events)");
  m_mean = sum / sw;
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(p, p);
  for (std::size_t i : rows) {
    const Eigen::RowVectorXd d = train.x.row(static_cast<Eigen::Index>(i)).cast<double>() - m_mean;
    cov.noalias() += train.weight[i] * d.transpose() * d;
  }
  cov /= sw;
  if (m_config.kind == Kind::Standardize) {
    m_matrix = Eigen::MatrixXd::Zero(p, p);
    for (Eigen::Index f = 0; f < p; ++f) {
      if (!(cov(f, f) > 0.0))
        throw Error(what + ": feature '" + train.featureNames[f] + "' has no spread");
      m_matrix(f, f) = 1.0 / std::sqrt(cov(f, f));
    }
    return;
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov);
  const Eigen::VectorXd ev = es.eigenvalues();  // ascending
  const Eigen::MatrixXd V = es.eigenvectors();
  if (!(ev(0) > 1e-12 * std::max(1.0, ev(p - 1)))) {
    // Name the features that carry the null direction.
    std::string names;
    for (Eigen::Index f = 0; f < p; ++f)
      if (std::abs(V(f, 0)) > 0.1)
        names += (names.empty() ? "'" : ", '") + train.featureNames[f] + "'";
    throw Error(what + ": the covariance is singular: " + names +
                " are linearly dependent (or constant); leave one out");
  }
  if (m_config.kind == Kind::Decorrelate) {
    m_matrix = V * ev.cwiseInverse().cwiseSqrt().asDiagonal() * V.transpose();
  } else {
    m_matrix.resize(p, p);
    m_variances.resize(p);
    for (Eigen::Index c = 0; c < p; ++c) {
      Eigen::VectorXd v = V.col(p - 1 - c);
      Eigen::Index big = 0;
      v.cwiseAbs().maxCoeff(&big);
      if (v(big) < 0) v = -v;
      m_matrix.row(c) = v.transpose();
      m_variances(c) = ev(p - 1 - c);
    }
  }
}

RowMatrixF InputTransform::apply(const RowMatrixF& x) const {
  using Kind = InputTransformConfig::Kind;
  if (m_config.kind == Kind::None) return x;
  if (static_cast<std::size_t>(x.cols()) != m_features.size())
    throw Error(std::string(inputTransformKindName(m_config.kind)) + " transform: fitted on " +
                std::to_string(m_features.size()) + " features, given " + std::to_string(x.cols()));
  RowMatrixF out(x.rows(), x.cols());
  if (m_config.kind == Kind::Gaussianize) {
    for (Eigen::Index f = 0; f < x.cols(); ++f) {
      const auto& kn = m_knots[f];
      const auto& at = m_cdfAt[f];
      const auto& below = m_cdfBelow[f];
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double v = x(i, f);
        if (std::isnan(v)) {
          out(i, f) = NAN;
          continue;
        }
        const auto k =
            static_cast<std::size_t>(std::lower_bound(kn.begin(), kn.end(), v) - kn.begin());
        double F;
        if (k == kn.size()) {
          F = 1.0;
        } else if (kn[k] == v) {
          F = at[k];
        } else if (m_exact[f] || k == 0) {
          F = below[k];
        } else {
          F = at[k - 1] + (at[k] - at[k - 1]) * (v - kn[k - 1]) / (kn[k] - kn[k - 1]);
        }
        out(i, f) = static_cast<float>(inverseNormalCdf(std::clamp(F, kClip, 1.0 - kClip)));
      }
    }
    return out;
  }
  const Eigen::MatrixXd centred = x.cast<double>().rowwise() - m_mean;
  // decorrelate / standardize: y = (x − μ) M (M symmetric); pca: y = (x − μ) Vᵀ.
  const Eigen::MatrixXd y = m_config.kind == Kind::Pca
                                ? Eigen::MatrixXd(centred * m_matrix.transpose())
                                : Eigen::MatrixXd(centred * m_matrix);
  out = y.cast<float>();
  if (m_config.kind == Kind::Standardize)
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      for (Eigen::Index f = 0; f < x.cols(); ++f)
        if (std::isnan(x(i, f))) out(i, f) = NAN;
  return out;
}

nlohmann::json InputTransform::toJson() const {
  nlohmann::json j = m_config.toJson();
  j["features"] = m_features;
  if (m_config.kind == InputTransformConfig::Kind::None) return j;
  if (m_config.kind == InputTransformConfig::Kind::Gaussianize) {
    j["knots"] = m_knots;
    j["cdf_at"] = m_cdfAt;
    j["cdf_below"] = m_cdfBelow;
    j["exact"] = m_exact;
    return j;
  }
  j["mean"] = std::vector<double>(m_mean.data(), m_mean.data() + m_mean.size());
  std::vector<std::vector<double>> m(static_cast<std::size_t>(m_matrix.rows()));
  for (Eigen::Index r = 0; r < m_matrix.rows(); ++r)
    for (Eigen::Index c = 0; c < m_matrix.cols(); ++c) m[r].push_back(m_matrix(r, c));
  j["matrix"] = m;
  if (m_variances.size())
    j["variances"] =
        std::vector<double>(m_variances.data(), m_variances.data() + m_variances.size());
  return j;
}

InputTransform InputTransform::fromJson(const nlohmann::json& j) {
  try {
    nlohmann::json cfg{{"kind", j.at("kind")}};
    if (j.contains("class")) cfg["class"] = j.at("class");
    InputTransform t(InputTransformConfig::fromJson(cfg));
    t.m_features = j.at("features").get<std::vector<std::string>>();
    const auto p = static_cast<Eigen::Index>(t.m_features.size());
    using Kind = InputTransformConfig::Kind;
    if (t.m_config.kind == Kind::None) return t;
    if (t.m_config.kind == Kind::Gaussianize) {
      t.m_knots = j.at("knots").get<std::vector<std::vector<double>>>();
      t.m_cdfAt = j.at("cdf_at").get<std::vector<std::vector<double>>>();
      t.m_cdfBelow = j.at("cdf_below").get<std::vector<std::vector<double>>>();
      t.m_exact = j.at("exact").get<std::vector<char>>();
      bool ok = static_cast<Eigen::Index>(t.m_knots.size()) == p &&
                t.m_cdfAt.size() == t.m_knots.size() && t.m_cdfBelow.size() == t.m_knots.size() &&
                t.m_exact.size() == t.m_knots.size();
      for (std::size_t f = 0; ok && f < t.m_knots.size(); ++f)
        ok = !t.m_knots[f].empty() && t.m_cdfAt[f].size() == t.m_knots[f].size() &&
             t.m_cdfBelow[f].size() == t.m_knots[f].size();
      if (!ok) throw Error("the gaussianize knots are damaged");
      return t;
    }
    const auto mean = j.at("mean").get<std::vector<double>>();
    const auto m = j.at("matrix").get<std::vector<std::vector<double>>>();
    if (static_cast<Eigen::Index>(mean.size()) != p || static_cast<Eigen::Index>(m.size()) != p)
      throw Error("the transform matrix does not match its features");
    t.m_mean = Eigen::Map<const Eigen::RowVectorXd>(mean.data(), p);
    t.m_matrix.resize(p, p);
    for (Eigen::Index r = 0; r < p; ++r) {
      if (static_cast<Eigen::Index>(m[r].size()) != p)
        throw Error("the transform matrix does not match its features");
      for (Eigen::Index c = 0; c < p; ++c) t.m_matrix(r, c) = m[r][c];
    }
    if (j.contains("variances")) {
      const auto v = j.at("variances").get<std::vector<double>>();
      t.m_variances =
          Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("transform: ") + e.what());
  }
}

}  // namespace imbw
