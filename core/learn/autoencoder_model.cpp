#include "core/learn/autoencoder_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/learn/learn_util.h"
#include "core/learn/model_io.h"
#include "core/util/error.h"

namespace imbw {

namespace {

constexpr Eigen::Index kPredictChunk = 4096;
using MapM = Eigen::Map<RowMatrixF>;
using CMapM = Eigen::Map<const RowMatrixF>;

bool useTanh(const std::string& activation) {
  return activation == "tanh";
}

// In place: activation of z; returns nothing. The derivative is taken from the output
// (tanh' = 1 − a², relu' = [a > 0]), so only the activations are kept.
void activate(RowMatrixF& z, bool tanhAct) {
  if (tanhAct)
    z = z.array().tanh();
  else
    z = z.cwiseMax(0.0f);
}

}  // namespace

nlohmann::json AutoencoderConfig::toJson() const {
  nlohmann::json j{{"hidden", hidden}, {"latent", latent}, {"activation", activation}};
  writeJson(j);
  return j;
}

AutoencoderConfig AutoencoderConfig::fromJson(const nlohmann::json& j) {
  AutoencoderConfig c;
  // "loss" is accepted and ignored: the run layer hands every network a loss, and the
  // reconstruction error is the only loss an autoencoder has.
  learn_util::checkKeys(j, "autoencoder",
                        {"kind", "hidden", "latent", "activation", "learning_rate", "beta1",
                         "beta2", "epsilon", "batch_size", "max_epochs", "patience", "loss"});
  learn_util::get(j, "hidden", c.hidden);
  learn_util::get(j, "latent", c.latent);
  learn_util::get(j, "activation", c.activation);
  c.readJson(j);
  for (int h : c.hidden)
    if (h < 1) throw Error("autoencoder: every hidden layer needs at least one unit");
  if (c.latent < 1) throw Error("autoencoder: latent must be at least 1");
  if (c.activation != "tanh" && c.activation != "relu")
    throw Error("autoencoder: activation '" + c.activation + "' is not \"tanh\" or \"relu\"");
  c.validate("autoencoder", 1);
  return c;
}

AutoencoderModel::AutoencoderModel(AutoencoderConfig config) : m_config(std::move(config)) {}
AutoencoderModel::~AutoencoderModel() = default;

void AutoencoderModel::initLayers(int inputs, std::uint64_t seed) {
  m_layers.clear();
  std::vector<int> sizes = m_config.hidden;
  sizes.push_back(m_config.latent);
  for (auto it = m_config.hidden.rbegin(); it != m_config.hidden.rend(); ++it) sizes.push_back(*it);
  sizes.push_back(inputs);
  const std::size_t latentIndex = m_config.hidden.size();
  std::size_t offset = 0;
  int in = inputs;
  for (std::size_t l = 0; l < sizes.size(); ++l) {
    Layer ly;
    ly.in = in;
    ly.out = sizes[l];
    ly.activated = l != latentIndex && l + 1 != sizes.size();
    ly.w = offset;
    offset += static_cast<std::size_t>(ly.in) * static_cast<std::size_t>(ly.out);
    ly.b = offset;
    offset += static_cast<std::size_t>(ly.out);
    m_layers.push_back(ly);
    in = ly.out;
  }
  m_params.assign(offset, 0.0f);
  learn_util::Rng rng(seed);
  // Glorot for tanh (and the linear layers), He for ReLU.
  const bool tanhAct = useTanh(m_config.activation);
  for (const Layer& ly : m_layers) {
    const double sd =
        (ly.activated && !tanhAct) ? std::sqrt(2.0 / ly.in) : std::sqrt(2.0 / (ly.in + ly.out));
    for (std::size_t k = 0; k < static_cast<std::size_t>(ly.in) * ly.out; ++k)
      m_params[ly.w + k] = static_cast<float>(sd * rng.normal());
  }
}

RowMatrixF AutoencoderModel::forward(const RowMatrixF& xs) const {
  const bool tanhAct = useTanh(m_config.activation);
  RowMatrixF a = xs;
  for (const Layer& ly : m_layers) {
    CMapM w(m_params.data() + ly.w, ly.in, ly.out);
    Eigen::Map<const Eigen::RowVectorXf> bias(m_params.data() + ly.b, ly.out);
    RowMatrixF z = a * w;
    z.rowwise() += bias;
    if (ly.activated) activate(z, tanhAct);
    a = std::move(z);
  }
  return a;
}

void AutoencoderModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  const auto& cfg = m_config;
  if (train.rows() < 2) throw Error("autoencoder: need at least two training events");
  if (train.cols() < 1) throw Error("autoencoder: need at least one feature");
  m_threads = std::max(1, ctx.threads);
  const Eigen::Index n = train.x.rows();
  const Eigen::Index d = train.x.cols();
  const bool tanhAct = useTanh(cfg.activation);

  m_std.fit(train.x);
  RowMatrixF xs;
  m_std.apply(train.x, xs);
  const std::vector<double> weight = learn_util::normalisedWeights(train.weight);
  initLayers(static_cast<int>(d), ctx.seed);
  const std::size_t L = m_layers.size();
  const int B = std::min<int>(cfg.batchSize, static_cast<int>(n));
  std::vector<RowMatrixF> act(L), dact(L);  // act[l] = output of layer l
  RowMatrixF xb(B, d);
  Eigen::VectorXf bw(B);
  learn_util::Rng rng(ctx.seed ^ 0x9e3779b97f4a7c15ULL);

  RowMatrixF valXs;
  std::vector<double> valWeight;
  const FeatureMatrix* val = ctx.validation;
  if (val && val->rows() > 0) {
    if (val->cols() != train.cols()) throw Error("autoencoder: validation set has other features");
    m_std.apply(val->x, valXs);
    valWeight = val->weight;
  }
  const float invD = 1.0f / static_cast<float>(d);

  MiniBatchSteps steps;
  steps.batch = [&](std::span<const std::size_t> rows, std::vector<float>& grad, double& lossSum,
                    double& weightSum) {
    const int b = static_cast<int>(rows.size());
    xb.resize(b, d);
    bw.resize(b);
    for (int i = 0; i < b; ++i) {
      const std::size_t r = rows[static_cast<std::size_t>(i)];
      xb.row(i) = xs.row(static_cast<Eigen::Index>(r));
      bw[i] = static_cast<float>(weight[r]);
    }
    // Forward, keeping every layer's output.
    for (std::size_t l = 0; l < L; ++l) {
      const Layer& ly = m_layers[l];
      const RowMatrixF& in = l == 0 ? xb : act[l - 1];
      CMapM w(m_params.data() + ly.w, ly.in, ly.out);
      Eigen::Map<const Eigen::RowVectorXf> bias(m_params.data() + ly.b, ly.out);
      act[l].noalias() = in * w;
      act[l].rowwise() += bias;
      if (ly.activated) activate(act[l], tanhAct);
    }
    // Loss: Σ_i w_i · mean_k (y_ik − x_ik)² / b; gradient w.r.t. the output.
    RowMatrixF& dy = dact[L - 1];
    dy = act[L - 1] - xb;
    const Eigen::VectorXf perEvent = dy.array().square().rowwise().sum() * invD;
    for (int i = 0; i < b; ++i) {
      lossSum += static_cast<double>(bw[i]) * perEvent[i];
      weightSum += bw[i];
    }
    dy = (dy.array().colwise() * (bw.array() * (2.0f * invD / static_cast<float>(b)))).matrix();
    // Backward.
    for (std::size_t l = L; l-- > 0;) {
      const Layer& ly = m_layers[l];
      RowMatrixF& dz = dact[l];
      if (ly.activated) {
        if (tanhAct)
          dz.array() *= 1.0f - act[l].array().square();
        else
          dz = (act[l].array() > 0.0f).select(dz.array(), 0.0f);
      }
      const RowMatrixF& in = l == 0 ? xb : act[l - 1];
      MapM gw(grad.data() + ly.w, ly.in, ly.out);
      gw.noalias() = in.transpose() * dz;
      Eigen::Map<Eigen::RowVectorXf>(grad.data() + ly.b, ly.out) = dz.colwise().sum();
      if (l > 0) {
        CMapM w(m_params.data() + ly.w, ly.in, ly.out);
        dact[l - 1].noalias() = dz * w.transpose();
      }
    }
  };
  steps.validate = [&](Checkpoint& cp) {
    if (valXs.rows() == 0) return false;
    const RowMatrixF y = forward(valXs);
    const Eigen::VectorXf e = (y - valXs).array().square().rowwise().sum() * invD;
    double sw = 0.0, sl = 0.0;
    cp.validationScores.resize(static_cast<std::size_t>(e.size()));
    for (Eigen::Index i = 0; i < e.size(); ++i) {
      cp.validationScores[static_cast<std::size_t>(i)] = e[i];
      sl += valWeight[static_cast<std::size_t>(i)] * e[i];
      sw += valWeight[static_cast<std::size_t>(i)];
    }
    cp.validationLoss = sw != 0.0 ? sl / sw : std::numeric_limits<double>::quiet_NaN();
    return true;
  };
  const MiniBatchOutcome outcome =
      trainMiniBatches(cfg, static_cast<std::size_t>(n), 1, m_params, rng, ctx.observer, steps);
  m_epochsRun = outcome.epochsRun;
  m_bestEpoch = outcome.bestEpoch;
}

RowMatrixF AutoencoderModel::reconstructStandardised(const RowMatrixF& x) const {
  if (m_layers.empty()) throw Error("autoencoder: the model is not trained");
  RowMatrixF xs;
  m_std.apply(x, xs);
  return forward(xs);
}

std::vector<double> AutoencoderModel::errors(const RowMatrixF& x, int threads) const {
  if (m_layers.empty()) throw Error("autoencoder: the model is not trained");
  const Eigen::Index n = x.rows();
  std::vector<double> out(static_cast<std::size_t>(n));
  const Eigen::Index chunks = (n + kPredictChunk - 1) / kPredictChunk;
  const float invD = 1.0f / static_cast<float>(x.cols());
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (Eigen::Index c = 0; c < chunks; ++c) {
    const Eigen::Index begin = c * kPredictChunk;
    const Eigen::Index rows = std::min(kPredictChunk, n - begin);
    RowMatrixF xs(rows, x.cols());
    m_std.applyRows(x, begin, rows, xs);
    const RowMatrixF y = forward(xs);
    const Eigen::VectorXf e = (y - xs).array().square().rowwise().sum() * invD;
    for (Eigen::Index i = 0; i < rows; ++i) out[static_cast<std::size_t>(begin + i)] = e[i];
  }
  return out;
}

std::vector<double> AutoencoderModel::predict(const RowMatrixF& x) const {
  return errors(x, m_threads);
}

void AutoencoderModel::save(const std::string& path) const {
  if (m_layers.empty()) throw Error("autoencoder: cannot save an untrained model");
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Create);
  f.writeAttribute("imbw_model_kind", kind());
  f.writeAttribute("config", m_config.toJson().dump());
  const nlohmann::json meta{
      {"inputs", m_layers.front().in}, {"best_epoch", m_bestEpoch}, {"epochs_run", m_epochsRun}};
  f.writeAttribute("meta", meta.dump());
  m_std.save(f, "");
  for (std::size_t l = 0; l < m_layers.size(); ++l) {
    const Layer& ly = m_layers[l];
    const std::string p = "layer" + std::to_string(l) + "_";
    f.writeMatrix(p + "weight", CMapM(m_params.data() + ly.w, ly.in, ly.out));
    f.writeMatrix(p + "bias", CMapM(m_params.data() + ly.b, 1, ly.out));
  }
}

std::unique_ptr<AutoencoderModel> AutoencoderModel::load(const std::string& path) {
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Read);
  if (f.readAttribute("imbw_model_kind") != "autoencoder")
    throw Error("'" + path + "' does not hold an autoencoder");
  auto model = std::make_unique<AutoencoderModel>(
      AutoencoderConfig::fromJson(nlohmann::json::parse(f.readAttribute("config"))));
  const auto meta = nlohmann::json::parse(f.readAttribute("meta"));
  model->m_bestEpoch = meta.value("best_epoch", 0);
  model->m_epochsRun = meta.value("epochs_run", 0);
  model->initLayers(meta.at("inputs").get<int>(), 1);
  model->m_std.load(f, "");
  for (std::size_t l = 0; l < model->m_layers.size(); ++l) {
    const Layer& ly = model->m_layers[l];
    const std::string p = "layer" + std::to_string(l) + "_";
    auto copyInto = [&](const std::string& name, std::size_t offset, Eigen::Index rows,
                        Eigen::Index cols) {
      f.readMatrixInto(name, model->m_params.data() + offset, rows, cols);
    };
    copyInto(p + "weight", ly.w, ly.in, ly.out);
    copyInto(p + "bias", ly.b, 1, ly.out);
  }
  return model;
}

}  // namespace imbw
