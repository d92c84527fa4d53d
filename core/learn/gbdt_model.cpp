#include "core/learn/gbdt_model.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/learn/learn_util.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr const char* kMetaKey = "imbw";

/// Rows per parallel chunk of the custom gradient: large enough that OpenMP's fork costs
/// nothing next to exp/log/pow, small enough to split 170k rows over the threads evenly.
constexpr std::size_t kChunk = 4096;

double alphaOf(const LossConfig& loss, int numClasses, bool binary, int label, bool signal) {
  if (loss.kind == LossKind::CrossEntropy) return 1.0;
  if (binary) return signal ? loss.alpha : 1.0 - loss.alpha;
  if (loss.classAlpha.empty()) return 1.0;
  (void)numClasses;
  return loss.classAlpha[static_cast<std::size_t>(label)];
}

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

/// Weighted mean loss of margins (evaluation: signed weights as given).
double meanLoss(const LossConfig& loss, int k, bool binary, std::span<const double> margin,
                std::span<const std::uint8_t> target, std::span<const std::int32_t> label,
                std::span<const double> weight, std::vector<double>& scratch) {
  const std::size_t n = weight.size();
  scratch.resize(n);
  if (binary)
    binaryLoss(loss, margin, target, weight, scratch.data(), nullptr, nullptr);
  else
    categoricalLoss(loss, k, margin, label, weight, scratch.data(), nullptr, nullptr);
  double sum = 0.0, wsum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += scratch[i];
    wsum += weight[i];
  }
  return wsum != 0.0 ? sum / wsum : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
nlohmann::json GbdtParams::toJson() const {
  return {{"trees", trees},
          {"learning_rate", learningRate},
          {"max_depth", maxDepth},
          {"min_child_weight", minChildWeight},
          {"subsample", subsample},
          {"colsample", colsample},
          {"reg_lambda", regLambda},
          {"max_bin", maxBin},
          {"max_delta_step", maxDeltaStep},
          {"early_stopping_rounds", earlyStoppingRounds},
          {"checkpoint_every", checkpointEvery},
          {"custom_objective", customObjective},
          {"loss", loss.toJson()}};
}

GbdtParams GbdtParams::fromJson(const nlohmann::json& j) {
  xgb::checkKeys(j,
                 {"trees", "learning_rate", "max_depth", "min_child_weight", "subsample",
                  "colsample", "reg_lambda", "max_bin", "max_delta_step", "early_stopping_rounds",
                  "checkpoint_every", "custom_objective", "loss"},
                 "gbdt");
  GbdtParams p;
  p.trees = xgb::value(j, "trees", p.trees);
  p.learningRate = xgb::value(j, "learning_rate", p.learningRate);
  p.maxDepth = xgb::value(j, "max_depth", p.maxDepth);
  p.minChildWeight = xgb::value(j, "min_child_weight", p.minChildWeight);
  p.subsample = xgb::value(j, "subsample", p.subsample);
  p.colsample = xgb::value(j, "colsample", p.colsample);
  p.regLambda = xgb::value(j, "reg_lambda", p.regLambda);
  p.maxBin = xgb::value(j, "max_bin", p.maxBin);
  p.maxDeltaStep = xgb::value(j, "max_delta_step", p.maxDeltaStep);
  p.earlyStoppingRounds = xgb::value(j, "early_stopping_rounds", p.earlyStoppingRounds);
  p.checkpointEvery = xgb::value(j, "checkpoint_every", p.checkpointEvery);
  p.customObjective = xgb::value(j, "custom_objective", p.customObjective);
  if (j.contains("loss")) p.loss = LossConfig::fromJson(j.at("loss"));
  p.validate();
  return p;
}

void GbdtParams::validate() const {
  auto bad = [](const std::string& what) { throw Error("gbdt: " + what); };
  if (trees < 1) bad("trees must be at least 1");
  if (!(learningRate > 0.0)) bad("learning_rate must be > 0");
  if (maxDepth < 0) bad("max_depth must be ≥ 0 (0 = no limit)");
  if (minChildWeight < 0.0) bad("min_child_weight must be ≥ 0");
  if (!(subsample > 0.0 && subsample <= 1.0)) bad("subsample must be in (0, 1]");
  if (!(colsample > 0.0 && colsample <= 1.0)) bad("colsample must be in (0, 1]");
  if (regLambda < 0.0) bad("reg_lambda must be ≥ 0");
  if (maxBin < 2) bad("max_bin must be at least 2");
  if (earlyStoppingRounds < 0) bad("early_stopping_rounds must be ≥ 0");
  if (checkpointEvery < 1) bad("checkpoint_every must be at least 1");
}

// ---------------------------------------------------------------------------------------------
GbdtModel::GbdtModel(GbdtParams params) : m_params(std::move(params)) {
  m_params.validate();
}

nlohmann::json GbdtModel::config() const {
  auto j = m_params.toJson();
  j["kind"] = kind();
  return j;
}

std::unique_ptr<GbdtModel> GbdtModel::create(const nlohmann::json& spec) {
  return std::make_unique<GbdtModel>(GbdtParams::fromJson(spec));
}

int GbdtModel::rounds() const {
  return m_booster ? m_booster.boostedRounds() : 0;
}

void GbdtModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  const std::size_t n = train.rows();
  if (n == 0) throw Error("gbdt: the training set is empty");
  if (!train.weight.empty() && train.weight.size() != n)
    throw Error("gbdt: training weights and events differ in number");
  learn_util::requireNonNegativeWeights("gbdt", train.weight);
  const FeatureMatrix* val = ctx.validation;
  if (val && val->rows() == 0) val = nullptr;
  if (val && val->cols() != train.cols())
    throw Error("gbdt: the validation set has a different number of features");
  const int k = xgb::classCount(train);
  const bool binary = k == 2;
  m_params.loss.validate(k);
  m_numClasses = k;
  m_signalClass = train.signalClass;
  m_classNames = train.classNames;
  m_featureNames = train.featureNames;
  m_threads = std::max(1, ctx.threads);
  m_valLoss.clear();
  m_bestIteration = -1;
  FitObserver* obs = ctx.observer;
  const LossConfig& loss = m_params.loss;
  const bool custom = loss.kind == LossKind::Focal || m_params.customObjective;
  const int threads = m_threads;

  // Targets and weights (training: normalised to mean |w| = 1; evaluation: as given).
  std::vector<double> w =
      train.weight.empty() ? std::vector<double>(n, 1.0) : xgb::normalisedWeights(train.weight);
  std::vector<std::uint8_t> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = train.isSignal(i) ? 1 : 0;
  std::vector<double> alphaW(n);  // w · α_t: what the built-in objective gets as weights
  for (std::size_t i = 0; i < n; ++i)
    alphaW[i] = w[i] * alphaOf(loss, k, binary, train.label[i], t[i] != 0);

  std::vector<float> targets(n);
  for (std::size_t i = 0; i < n; ++i)
    targets[i] = binary ? static_cast<float>(t[i]) : static_cast<float>(train.label[i]);
  // The built-in objectives take w·α_t as weights; the custom path puts the weights into the
  // gradient pairs itself, but sets them too because XGBoost's quantile sketch (the histogram
  // bin edges) is weighted: the same weights give the same bins on both paths.
  // Unit weights are left out: XGBoost's unweighted sketch is the cheaper one.
  std::vector<float> sketchWeights;
  if (std::any_of(alphaW.begin(), alphaW.end(), [](double v) { return v != 1.0; }))
    sketchWeights.assign(alphaW.begin(), alphaW.end());
  // The bins are sketched here, batch by batch with stop polls in between, rather than
  // inside the first round where a cancel would wait for all of it.
  xgb::DMatrix dtrain =
      xgb::DMatrix::quantile(train.x, targets, sketchWeights, threads, m_params.maxBin,
                             [obs] { return obs && obs->stopRequested(); });
  if (!dtrain) throw Cancelled();

  // The starting score: the α-weighted prior (for cross entropy the exact constant optimum,
  // for focal loss the prior the reference prescribes, so that γ = 0 reproduces weighted CE).
  m_priorMargins.clear();
  double baseScore = 0.5;
  if (binary) {
    baseScore = sigmoid(priorMargin(t, alphaW));
    baseScore = std::clamp(baseScore, 1e-6, 1.0 - 1e-6);
  } else {
    std::vector<double> classW(static_cast<std::size_t>(k), 0.0);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      classW[static_cast<std::size_t>(train.label[i])] += alphaW[i];
      total += alphaW[i];
    }
    for (double c : classW)
      m_priorMargins.push_back(static_cast<float>(std::log(std::max(c / total, 1e-6))));
    std::vector<float> bm(n * static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < n; ++i)
      std::copy(m_priorMargins.begin(), m_priorMargins.end(), bm.begin() + i * k);
    dtrain.setFloatInfo("base_margin", bm);
  }

  xgb::DMatrix dval;
  std::vector<std::uint8_t> vt;
  std::vector<double> vw;
  if (val) {
    dval = xgb::DMatrix(val->x, threads);
    const std::size_t nv = val->rows();
    vt.resize(nv);
    for (std::size_t i = 0; i < nv; ++i) vt[i] = val->isSignal(i) ? 1 : 0;
    vw = val->weight.empty() ? std::vector<double>(nv, 1.0) : val->weight;
    if (!binary) {
      std::vector<float> bm(nv * static_cast<std::size_t>(k));
      for (std::size_t i = 0; i < nv; ++i)
        std::copy(m_priorMargins.begin(), m_priorMargins.end(), bm.begin() + i * k);
      dval.setFloatInfo("base_margin", bm);
    }
  }

  std::vector<xgb::DMatrixHandle> cache{dtrain.handle()};
  if (dval) cache.push_back(dval.handle());
  xgb::Booster booster(cache);
  booster.setParam("verbosity", 0);
  booster.setParam("tree_method", std::string("hist"));
  booster.setParam("nthread", threads);
  booster.setParam("seed", static_cast<int>(ctx.seed & 0x7fffffff));
  booster.setParam("eta", m_params.learningRate);
  booster.setParam("max_depth", m_params.maxDepth);
  if (m_params.maxDepth == 0) booster.setParam("grow_policy", std::string("lossguide"));
  booster.setParam("min_child_weight", m_params.minChildWeight);
  booster.setParam("subsample", m_params.subsample);
  booster.setParam("colsample_bytree", m_params.colsample);
  booster.setParam("reg_lambda", m_params.regLambda);
  booster.setParam("max_bin", m_params.maxBin);
  booster.setParam("max_delta_step", m_params.maxDeltaStep >= 0.0
                                         ? m_params.maxDeltaStep
                                         : (loss.kind == LossKind::Focal ? 1.0 : 0.0));
  if (binary) {
    booster.setParam("objective", std::string("binary:logistic"));
    booster.setParam("base_score", baseScore);
  } else {
    booster.setParam("objective", std::string("multi:softprob"));
    booster.setParam("num_class", k);
  }

  const std::size_t groups = binary ? 1 : static_cast<std::size_t>(k);
  const std::size_t total = n * groups;
  // Preallocated buffers of the custom path: nothing is allocated inside the boosting loop.
  std::vector<double> md(custom ? total : 0);
  std::vector<double> g(custom && !binary ? total : 0), h(custom && !binary ? total : 0);
  std::vector<float> gf(custom ? total : 0), hf(custom ? total : 0);
  std::vector<double> trainValue, valMargin, scratch;
  const std::span<const std::int32_t> labels(train.label);

  double bestLoss = std::numeric_limits<double>::infinity();
  int bestRound = -1;
  const int nTrees = m_params.trees;
  const int every = m_params.checkpointEvery;

  auto toDouble = [](std::span<const float> in, std::vector<double>& out) {
    out.resize(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i];
  };
  auto signalScores = [&](const std::vector<double>& m, std::size_t rows) {
    std::vector<double> s(rows);
    if (binary) {
      for (std::size_t i = 0; i < rows; ++i) s[i] = sigmoid(m[i]);
    } else {
      for (std::size_t i = 0; i < rows; ++i) {
        const double* r = &m[i * groups];
        const double mx = *std::max_element(r, r + groups);
        double z = 0.0;
        for (std::size_t c = 0; c < groups; ++c) z += std::exp(r[c] - mx);
        s[i] = std::exp(r[m_signalClass] - mx) / z;
      }
    }
    return s;
  };

  for (int round = 0; round < nTrees; ++round) {
    if (obs && obs->stopRequested()) throw Cancelled();
    const bool checkpointNow = (round + 1) % every == 0 || round + 1 == nTrees;
    double trainLoss = std::numeric_limits<double>::quiet_NaN();
    if (custom) {
      const auto margin = booster.predictMargin(dtrain, true);
      const std::size_t chunks = (n + kChunk - 1) / kChunk;
      const bool wantValue = checkpointNow;
      if (wantValue) trainValue.resize(total);
#pragma omp parallel for num_threads(threads) schedule(static)
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t b = c * kChunk, e = std::min(n, b + kChunk);
        const std::size_t gb = b * groups, ge = e * groups;
        const std::span<const double> wspan(w.data() + b, e - b);
        double* val = wantValue ? trainValue.data() + b : nullptr;
        // The margins as doubles only where a double path needs them: K > 2, the loss value
        // at checkpoints, the hessian rescale of round 0.
        const bool needDouble = !binary || wantValue || round == 0;
        if (needDouble)
          for (std::size_t i = gb; i < ge; ++i) md[i] = margin[i];
        const std::span<const double> mspan(md.data() + gb, ge - gb);
        if (binary) {
          const std::span<const std::uint8_t> tspan(t.data() + b, e - b);
          binaryGradientsFloat(loss, margin.subspan(b, e - b), tspan, wspan, gf.data() + b,
                               hf.data() + b);
          if (val) binaryLoss(loss, mspan, tspan, wspan, val, nullptr, nullptr);
        } else {
          categoricalLoss(loss, k, mspan, labels.subspan(b, e - b), wspan, val, g.data() + gb,
                          h.data() + gb);
          for (std::size_t i = gb; i < ge; ++i) {
            gf[i] = static_cast<float>(g[i]);
            hf[i] = static_cast<float>(h[i]);
          }
        }
        applyHessianFloor(std::span<float>(hf.data() + gb, ge - gb), loss.hessianFloor);
      }
      if (wantValue) {
        double s = 0.0, ws = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
          s += trainValue[i];
          ws += w[i];
        }
        trainLoss = s / ws;
      }
      if (round == 0) {
        // min_child_weight is a hessian sum: in units of the weighted-CE hessian at the start.
        // Focal hessians are (1 − p_t)^γ smaller and would otherwise forbid every split, so
        // rescale the threshold by Σh(loss) / Σh(weighted CE) at the prior margin (= 1 at γ = 0).
        LossConfig ce = loss;
        if (ce.kind == LossKind::Focal) ce.kind = LossKind::WeightedCrossEntropy;
        ce.gamma = 0.0;
        std::vector<double> hce(total);
        if (binary)
          binaryLoss(ce, md, t, w, nullptr, nullptr, hce.data());
        else
          categoricalLoss(ce, k, md, labels, w, nullptr, nullptr, hce.data());
        double sumH = 0.0, sumCe = 0.0;
        for (std::size_t i = 0; i < total; ++i) {
          sumH += hf[i];
          sumCe += hce[i];
        }
        if (sumCe > 0.0 && sumH > 0.0)
          booster.setParam("min_child_weight", m_params.minChildWeight * sumH / sumCe);
      }
      booster.boostOneIter(dtrain, gf, hf);
    } else {
      booster.updateOneIter(round, dtrain);
      if (checkpointNow) {
        toDouble(booster.predictMargin(dtrain), scratch);
        std::vector<double> tmp;
        trainLoss = meanLoss(loss, k, binary, scratch, t, labels, w, tmp);
      }
    }

    double valLoss = std::numeric_limits<double>::quiet_NaN();
    const bool needVal = val && (m_params.earlyStoppingRounds > 0 || checkpointNow);
    if (needVal) {
      toDouble(booster.predictMargin(dval), valMargin);
      valLoss = meanLoss(loss, k, binary, valMargin, vt, val->label, vw, scratch);
      m_valLoss.push_back(valLoss);
      if (valLoss < bestLoss) {
        bestLoss = valLoss;
        bestRound = round;
      }
    }
    if (obs) obs->progress(static_cast<double>(round + 1) / nTrees, "boosting");
    if (obs && checkpointNow) {
      Checkpoint cp;
      cp.iteration = round + 1;
      cp.trainLoss = trainLoss;
      cp.validationLoss = valLoss;
      if (val) cp.validationScores = signalScores(valMargin, val->rows());
      obs->checkpoint(cp);
    }
    if (val && m_params.earlyStoppingRounds > 0 &&
        round - bestRound >= m_params.earlyStoppingRounds)
      break;
  }
  if (val && m_params.earlyStoppingRounds > 0 && bestRound >= 0 &&
      bestRound + 1 < booster.boostedRounds()) {
    booster.truncate(bestRound + 1);
  }
  m_bestIteration = bestRound;
  m_booster = std::move(booster);
  writeMeta();
}

void GbdtModel::writeMeta() {
  nlohmann::json meta = {{"kind", kind()},
                         {"config", m_params.toJson()},
                         {"num_classes", m_numClasses},
                         {"signal_class", m_signalClass},
                         {"class_names", m_classNames},
                         {"feature_names", m_featureNames},
                         {"prior_margins", m_priorMargins},
                         {"best_iteration", m_bestIteration}};
  m_booster.setAttr(kMetaKey, meta.dump());
}

std::vector<double> GbdtModel::margins(const RowMatrixF& x) const {
  if (!m_booster) throw Error("gbdt: the model is not trained");
  learn_util::checkFeatureCount("gbdt", m_featureNames, x);
  xgb::DMatrix d(x, m_threads);
  const std::size_t n = static_cast<std::size_t>(x.rows());
  if (m_numClasses > 2) {
    std::vector<float> bm(n * static_cast<std::size_t>(m_numClasses));
    for (std::size_t i = 0; i < n; ++i)
      std::copy(m_priorMargins.begin(), m_priorMargins.end(), bm.begin() + i * m_numClasses);
    d.setFloatInfo("base_margin", bm);
  }
  const_cast<xgb::Booster&>(m_booster).setParam("nthread", m_threads);
  const auto m = m_booster.predictMargin(d);
  return std::vector<double>(m.begin(), m.end());
}

std::vector<double> GbdtModel::predictProba(const RowMatrixF& x) const {
  auto m = margins(x);
  if (m_numClasses == 2) {
    for (double& v : m) v = sigmoid(v);
    return m;
  }
  const std::size_t k = static_cast<std::size_t>(m_numClasses);
  for (std::size_t i = 0; i < m.size(); i += k) {
    const double mx = *std::max_element(m.begin() + i, m.begin() + i + k);
    double z = 0.0;
    for (std::size_t c = 0; c < k; ++c) z += (m[i + c] = std::exp(m[i + c] - mx));
    for (std::size_t c = 0; c < k; ++c) m[i + c] /= z;
  }
  return m;
}

std::vector<double> GbdtModel::predict(const RowMatrixF& x) const {
  return learn_util::signalColumn(predictProba(x), m_numClasses, m_signalClass);
}

void GbdtModel::save(const std::string& path) const {
  if (!m_booster) throw Error("gbdt: cannot save an untrained model");
  xgb::writeFileBytes(path, m_booster.toBuffer(xgb::pathWantsJson(path) ? "json" : "ubj"));
}

std::unique_ptr<GbdtModel> GbdtModel::fromBooster(xgb::Booster booster) {
  const std::string metaText = booster.attr(kMetaKey);
  if (metaText.empty()) throw Error("the XGBoost model has no Imbalance Workbench metadata");
  const auto meta = nlohmann::json::parse(metaText);
  if (meta.at("kind") != "gbdt")
    throw Error("the model file holds a '" + meta.at("kind").get<std::string>() + "', not gbdt");
  auto model = std::make_unique<GbdtModel>(GbdtParams::fromJson(meta.at("config")));
  model->m_numClasses = meta.at("num_classes");
  model->m_signalClass = meta.at("signal_class");
  model->m_classNames = meta.at("class_names").get<std::vector<std::string>>();
  model->m_featureNames = meta.at("feature_names").get<std::vector<std::string>>();
  model->m_priorMargins = meta.at("prior_margins").get<std::vector<float>>();
  model->m_bestIteration = meta.at("best_iteration");
  model->m_booster = std::move(booster);
  return model;
}

std::unique_ptr<Model> GbdtModel::load(const std::string& path) {
  return loadTreeModel(path);
}

std::unique_ptr<GbdtModel> GbdtModel::loadGbdt(const std::string& path) {
  return fromBooster(xgb::Booster::fromBuffer(xgb::readFileBytes(path)));
}

}  // namespace imbw
