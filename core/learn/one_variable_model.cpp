#include "core/learn/one_variable_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/learn/learn_util.h"
#include "core/learn/model_io.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

nlohmann::json OneVariableConfig::toJson() const {
  return {{"feature", feature}};
}

OneVariableConfig OneVariableConfig::fromJson(const nlohmann::json& j) {
  learn_util::checkKeys(j, "one_variable", {"kind", "feature", "loss"});
  OneVariableConfig c;
  learn_util::get(j, "feature", c.feature);
  if (c.feature.empty()) throw Error("one_variable: name the feature to use ('feature')");
  return c;
}

double weightedAuc(const std::vector<double>& score, const std::vector<std::int32_t>& label,
                   const std::vector<double>& weight, int signalClass) {
  std::vector<std::size_t> idx;
  idx.reserve(score.size());
  for (std::size_t i = 0; i < score.size(); ++i)
    if (std::isfinite(score[i])) idx.push_back(i);
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  // Mann–Whitney with weights: for each block of tied scores, signal weight in the block times
  // the background weight below it, plus half the products inside the block.
  double bgBelow = 0.0, sumS = 0.0, sumB = 0.0, pairs = 0.0;
  for (std::size_t k = 0; k < idx.size();) {
    std::size_t e = k;
    double s = 0.0, b = 0.0;
    while (e < idx.size() && score[idx[e]] == score[idx[k]]) {
      const std::size_t i = idx[e];
      (label[i] == signalClass ? s : b) += weight[i];
      ++e;
    }
    pairs += s * bgBelow + 0.5 * s * b;
    bgBelow += b;
    sumS += s;
    sumB += b;
    k = e;
  }
  if (sumS == 0.0 || sumB == 0.0) return 0.5;
  return pairs / (sumS * sumB);
}

void OneVariableModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  if (ctx.observer && ctx.observer->stopRequested()) throw Cancelled();
  const auto it = std::find(train.featureNames.begin(), train.featureNames.end(), m_config.feature);
  if (it == train.featureNames.end())
    throw Error("one_variable: " +
                unknownNameMessage("feature", m_config.feature, train.featureNames));
  m_column = static_cast<int>(it - train.featureNames.begin());
  std::vector<double> s(train.rows());
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = train.x(static_cast<Eigen::Index>(i), m_column);
  const double auc = weightedAuc(s, train.label, train.weight, train.signalClass);
  m_direction = auc >= 0.5 ? 1 : -1;
  m_auc = std::max(auc, 1.0 - auc);
  if (ctx.observer) {
    Checkpoint cp;
    cp.iteration = 1;
    cp.trainLoss = std::numeric_limits<double>::quiet_NaN();
    cp.validationLoss = std::numeric_limits<double>::quiet_NaN();
    if (ctx.validation) cp.validationScores = predict(ctx.validation->x);
    ctx.observer->checkpoint(cp);
    ctx.observer->progress(1.0, "direction chosen");
  }
}

std::vector<double> OneVariableModel::predict(const RowMatrixF& x) const {
  if (m_column < 0) throw Error("one_variable: the model is not trained");
  if (m_column >= x.cols())
    throw Error("one_variable: the data have fewer features than the model expects");
  std::vector<double> s(static_cast<std::size_t>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const float v = x(i, m_column);
    s[i] = std::isfinite(v) ? m_direction * static_cast<double>(v)
                            : std::numeric_limits<double>::lowest();
  }
  return s;
}

void OneVariableModel::save(const std::string& path) const {
  if (m_column < 0) throw Error("one_variable: cannot save an untrained model");
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Create);
  f.writeAttribute("imbw_model_kind", kind());
  f.writeAttribute("config", m_config.toJson().dump());
  f.writeAttribute(
      "meta",
      nlohmann::json{{"column", m_column}, {"direction", m_direction}, {"training_auc", m_auc}}
          .dump());
}

std::unique_ptr<OneVariableModel> OneVariableModel::load(const std::string& path) {
  model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Read);
  if (f.readAttribute("imbw_model_kind") != "one_variable")
    throw Error("'" + path + "' does not hold a one-variable model");
  auto m = std::make_unique<OneVariableModel>(
      OneVariableConfig::fromJson(nlohmann::json::parse(f.readAttribute("config"))));
  const auto meta = nlohmann::json::parse(f.readAttribute("meta"));
  m->m_column = jsonNumber<int>(meta.at("column"), "column");
  m->m_direction = jsonNumber<int>(meta.at("direction"), "direction") < 0 ? -1 : 1;
  m->m_auc = meta.value("training_auc", 0.5);
  return m;
}

}  // namespace imbw
