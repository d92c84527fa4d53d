#include "core/learn/logistic_model.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/learn/learn_util.h"
#include "core/util/error.h"

namespace imbw {

nlohmann::json LogisticConfig::toJson() const {
  return {{"loss", loss.toJson()},
          {"l2", l2},
          {"max_iterations", maxIterations},
          {"tolerance", tolerance}};
}

LogisticConfig LogisticConfig::fromJson(const nlohmann::json& j) {
  LogisticConfig c;
  learn_util::checkKeys(j, "logistic", {"kind", "loss", "l2", "max_iterations", "tolerance"});
  if (j.contains("loss")) c.loss = LossConfig::fromJson(j.at("loss"));
  learn_util::get(j, "l2", c.l2);
  learn_util::get(j, "max_iterations", c.maxIterations);
  learn_util::get(j, "tolerance", c.tolerance);
  if (!(c.l2 >= 0.0)) throw Error("logistic: l2 must be ≥ 0");
  if (c.maxIterations < 1) throw Error("logistic: max_iterations must be at least 1");
  return c;
}

namespace {

/// Rows per block of the design matrix: standardised and widened to double one block at a time
/// (about 1 MB), so the fit never holds an n × (d + 1) double copy of the training matrix.
constexpr Eigen::Index kRowBlock = 4096;

}  // namespace

void LogisticModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  m_config.loss.validate(2);
  const Eigen::Index n = train.x.rows();
  const Eigen::Index d = train.x.cols();
  if (n < 2) throw Error("logistic: need at least two training events");
  m_std.fit(train.x);
  std::vector<std::uint8_t> t(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) t[i] = train.label[i] == train.signalClass;
  const std::vector<double> w = learn_util::normalisedWeights(train.weight);
  const double sumW = std::max(1e-300, std::accumulate(w.begin(), w.end(), 0.0));

  // The design matrix (standardised inputs in float, as predict() sees them, then a constant
  // column for the intercept) is made block by block wherever it is needed. Each block's
  // partial sums go to its own slot and are added in block order, so the fit is the same for
  // any number of threads.
  const Eigen::Index blocks = (n + kRowBlock - 1) / kRowBlock;
  const int threads = std::max(1, ctx.threads);
  using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::RowVectorXf& mean = m_std.mean();
  const Eigen::RowVectorXf& inv = m_std.invScale();
  // One pass, in memory order: standardised in float exactly as Standardizer::apply does (and
  // so as predict() sees the inputs), then widened.
  auto design = [&](Eigen::Index b, RowMatrixD& X) {
    const Eigen::Index begin = b * kRowBlock;
    const Eigen::Index rows = std::min(kRowBlock, n - begin);
    X.resize(rows, d + 1);
    for (Eigen::Index i = 0; i < rows; ++i) {
      const float* src = train.x.data() + (begin + i) * d;
      double* dst = X.data() + i * (d + 1);
      for (Eigen::Index c = 0; c < d; ++c) {
        const float v = (src[c] - mean[c]) * inv[c];
        dst[c] = std::isfinite(v) ? static_cast<double>(v) : 0.0;
      }
      dst[d] = 1.0;
    }
    return begin;
  };

  m_beta = Eigen::VectorXd::Zero(d + 1);
  m_beta[d] = priorMargin(t, w);
  Eigen::VectorXd z(n), value(n), g(n), h(n);
  const double l2 = m_config.l2;
  // The penalised loss at beta; with derivatives, also g and h per event.
  auto objective = [&](const Eigen::VectorXd& beta, bool derivatives) {
#pragma omp parallel num_threads(threads)
    {
      RowMatrixD X;
#pragma omp for schedule(static)
      for (Eigen::Index b = 0; b < blocks; ++b) {
        const Eigen::Index begin = design(b, X);
        z.segment(begin, X.rows()).noalias() = X * beta;
      }
    }
    binaryLoss(m_config.loss, std::span<const double>(z.data(), n), t, w, value.data(),
               derivatives ? g.data() : nullptr, derivatives ? h.data() : nullptr);
    return value.sum() + 0.5 * l2 * beta.head(d).squaredNorm();
  };
  // The gradient and the Hessian X'·diag(h)·X (lower triangle, as (√h·X)'(√h·X)).
  std::vector<Eigen::VectorXd> gradPart(static_cast<std::size_t>(blocks));
  std::vector<Eigen::MatrixXd> hessPart(static_cast<std::size_t>(blocks));
  auto derivatives = [&](Eigen::VectorXd& grad, Eigen::MatrixXd& H) {
#pragma omp parallel num_threads(threads)
    {
      RowMatrixD X;
#pragma omp for schedule(static)
      for (Eigen::Index b = 0; b < blocks; ++b) {
        const Eigen::Index begin = design(b, X);
        const auto rows = X.rows();
        auto& gp = gradPart[static_cast<std::size_t>(b)];
        auto& hp = hessPart[static_cast<std::size_t>(b)];
        gp.noalias() = X.transpose() * g.segment(begin, rows);
        for (Eigen::Index i = 0; i < rows; ++i) X.row(i) *= std::sqrt(h[begin + i]);
        hp.setZero(d + 1, d + 1);
        hp.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
      }
    }
    grad.setZero(d + 1);
    H.setZero(d + 1, d + 1);
    for (Eigen::Index b = 0; b < blocks; ++b) {
      grad += gradPart[static_cast<std::size_t>(b)];
      H.triangularView<Eigen::Lower>() += hessPart[static_cast<std::size_t>(b)];
    }
    const Eigen::MatrixXd lower = H;
    H = lower.selfadjointView<Eigen::Lower>();
  };

  FitObserver* obs = ctx.observer;
  double f = objective(m_beta, true);
  m_iterations = 0;
  Eigen::VectorXd grad;
  Eigen::MatrixXd H;
  for (int it = 1; it <= m_config.maxIterations; ++it) {
    if (obs && obs->stopRequested()) throw Cancelled();
    // Newton step; a floored |h| keeps the system positive definite for focal loss (h < 0
    // for badly misclassified events) and for negative event weights.
    for (Eigen::Index i = 0; i < n; ++i)
      h[i] = std::max(std::abs(h[i]), std::max(m_config.loss.hessianFloor, 1e-12));
    derivatives(grad, H);
    grad.head(d) += l2 * m_beta.head(d);
    H.diagonal().head(d).array() += l2;
    H.diagonal().array() += 1e-10;
    Eigen::VectorXd step = H.ldlt().solve(grad);
    if (!step.allFinite() || step.dot(grad) <= 0.0) step = grad;  // not a descent direction
    if (obs && obs->stopRequested()) throw Cancelled();
    // Backtracking: the trial's derivatives come with its loss, so an accepted step (usually
    // the first) costs no second pass over the events.
    double scale = 1.0;
    Eigen::VectorXd trial;
    double ft = f;
    for (int ls = 0; ls < 40; ++ls) {
      trial = m_beta - scale * step;
      ft = objective(trial, true);
      if (ft <= f - 1e-4 * scale * step.dot(grad)) break;
      scale *= 0.5;
    }
    const double maxStep = (scale * step).cwiseAbs().maxCoeff();
    const double improvement = f - ft;
    if (!(ft <= f)) break;  // no progress possible
    m_beta = trial;
    f = ft;
    m_iterations = it;
    if (obs) {
      obs->progress(static_cast<double>(it) / m_config.maxIterations,
                    "Newton iteration " + std::to_string(it));
      Checkpoint cp;
      cp.iteration = it;
      cp.trainLoss = f / sumW;
      cp.validationLoss = std::numeric_limits<double>::quiet_NaN();
      if (ctx.validation) cp.validationScores = predict(ctx.validation->x);
      obs->checkpoint(cp);
    }
    if (maxStep < m_config.tolerance || improvement < 1e-12 * std::max(1.0, std::abs(f))) break;
  }
  if (obs) obs->progress(1.0, "trained");
}

std::vector<double> LogisticModel::predict(const RowMatrixF& x) const {
  if (m_beta.size() == 0) throw Error("logistic: the model is not trained");
  const Eigen::Index d = m_beta.size() - 1;
  RowMatrixF xs;
  m_std.apply(x, xs);
  const Eigen::VectorXf beta = m_beta.head(d).cast<float>();
  const Eigen::VectorXf z = xs * beta;
  std::vector<double> s(static_cast<std::size_t>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    s[i] = 1.0 / (1.0 + std::exp(-(static_cast<double>(z[i]) + m_beta[d])));
  return s;
}

void LogisticModel::save(const std::string& path) const {
  if (m_beta.size() == 0) throw Error("logistic: cannot save an untrained model");
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Create);
  f.writeAttribute("imbw_model_kind", kind());
  f.writeAttribute("config", m_config.toJson().dump());
  m_std.save(f, "");
  f.writeVector("coefficients", std::vector<double>(m_beta.data(), m_beta.data() + m_beta.size()));
}

std::unique_ptr<LogisticModel> LogisticModel::load(const std::string& path) {
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Read);
  if (f.readAttribute("imbw_model_kind") != "logistic")
    throw Error("'" + path + "' does not hold a logistic regression");
  auto m = std::make_unique<LogisticModel>(
      LogisticConfig::fromJson(nlohmann::json::parse(f.readAttribute("config"))));
  m->m_std.load(f, "");
  const auto beta = f.readVector("coefficients");
  if (static_cast<Eigen::Index>(beta.size()) != m->m_std.cols() + 1)
    throw Error("'" + path + "': coefficients do not match the input standardisation");
  m->m_beta =
      Eigen::Map<const Eigen::VectorXd>(beta.data(), static_cast<Eigen::Index>(beta.size()));
  return m;
}

}  // namespace imbw
