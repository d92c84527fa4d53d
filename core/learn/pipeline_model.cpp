#include "core/learn/pipeline_model.h"

#include <filesystem>
#include <fstream>

#include "core/util/error.h"

namespace imbw {

PipelineModel::PipelineModel(std::unique_ptr<Model> inner, InputTransform transform)
    : m_inner(std::move(inner)), m_transform(std::move(transform)) {
  if (!m_inner) throw Error("pipeline: no model");
}

void PipelineModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  m_binary = train.numClasses() <= 2;
  m_transform.fit(train);
  if (m_transform.isIdentity()) {
    m_inner->fit(train, ctx);
    return;
  }
  FeatureMatrix t = train;
  t.x = m_transform.apply(train.x);
  FeatureMatrix v;
  FitContext c = ctx;
  if (ctx.validation) {
    v = *ctx.validation;
    v.x = m_transform.apply(v.x);
    c.validation = &v;
  }
  m_inner->fit(t, c);
}

std::vector<double> PipelineModel::predictRaw(const RowMatrixF& x) const {
  return m_transform.isIdentity() ? m_inner->predict(x) : m_inner->predict(m_transform.apply(x));
}

std::vector<double> PipelineModel::predict(const RowMatrixF& x) const {
  std::vector<double> s = predictRaw(x);
  if (m_calibrator.kind != CalibrationConfig::Kind::None)
    for (double& v : s) v = m_calibrator.apply(v);
  return s;
}

std::vector<double> PipelineModel::predictProba(const RowMatrixF& x) const {
  if (m_binary) return predict(x);
  return m_transform.isIdentity() ? m_inner->predictProba(x)
                                  : m_inner->predictProba(m_transform.apply(x));
}

std::string PipelineModel::sidecarPath(const std::string& modelPath) {
  return modelPath + ".pipeline.json";
}

void PipelineModel::save(const std::string& path) const {
  m_inner->save(path);
  const nlohmann::json j{{"imbw_content", "input transform and calibration of the model beside"},
                         {"transform", m_transform.toJson()},
                         {"calibration", m_calibrator.toJson()},
                         {"binary", m_binary}};
  std::ofstream out(sidecarPath(path));
  if (!out) throw Error("cannot write '" + sidecarPath(path) + "'");
  out << j.dump() << '\n';
}

std::unique_ptr<Model> PipelineModel::wrapIfSidecar(std::unique_ptr<Model> model,
                                                    const std::string& modelPath) {
  const std::string side = sidecarPath(modelPath);
  if (!std::filesystem::exists(side)) return model;
  std::ifstream in(side);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    auto p = std::make_unique<PipelineModel>(std::move(model),
                                             InputTransform::fromJson(j.at("transform")));
    p->m_calibrator = Calibrator::fromJson(j.at("calibration"));
    p->m_binary = j.value("binary", true);
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw Error("'" + side + "' is damaged: " + e.what());
  } catch (const Error& e) {
    throw Error("'" + side + "' is damaged: " + e.what());
  }
}

const Model& innermostModel(const Model& m) {
  if (const auto* p = dynamic_cast<const PipelineModel*>(&m)) return innermostModel(p->inner());
  return m;
}

}  // namespace imbw
