#include "core/export/model_export.h"

#include <algorithm>
#include <fstream>

#include "core/export/xgboost_export.h"
#include "core/learn/easy_ensemble_model.h"
#include "core/learn/forest_model.h"
#include "core/learn/gbdt_model.h"
#include "core/learn/logistic_model.h"
#include "core/learn/mlp_model.h"
#include "core/learn/model.h"
#include "core/util/error.h"

namespace imbw {

namespace {

template <typename T>
const T& as(const Model& model) {
  const auto* m = dynamic_cast<const T*>(&model);
  if (!m) throw Error("model export: a '" + model.kind() + "' model of an unexpected type");
  return *m;
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write '" + path + "'");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("writing '" + path + "' failed");
}

}  // namespace

ModelFormat parseModelFormat(const std::string& text) {
  if (text == "xgboost" || text == "json") return ModelFormat::XgboostJson;
  if (text == "ubj") return ModelFormat::XgboostUbj;
  if (text == "onnx") return ModelFormat::Onnx;
  throw Error("unknown model format '" + text + "' (choose xgboost, ubj or onnx)");
}

std::string formatName(ModelFormat format) {
  switch (format) {
    case ModelFormat::XgboostJson:
      return "xgboost";
    case ModelFormat::XgboostUbj:
      return "ubj";
    case ModelFormat::Onnx:
      return "onnx";
  }
  return "?";
}

std::vector<ModelFormat> exportFormats(const std::string& kind) {
  using F = ModelFormat;
  if (kind == "gbdt" || kind == "random_forest" || kind == "balanced_random_forest")
    return {F::XgboostJson, F::XgboostUbj, F::Onnx};
  if (kind == "easy_ensemble" || kind == "mlp" || kind == "logistic") return {F::Onnx};
  return {};
}

void exportModel(const Model& model, ModelFormat format, const std::string& path,
                 const ExportInfo& info) {
  const std::string kind = model.kind();
  const auto formats = exportFormats(kind);
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    std::string choices;
    for (ModelFormat f : formats) choices += (choices.empty() ? "" : ", ") + formatName(f);
    throw Error("a '" + kind + "' model cannot be exported as " + formatName(format) +
                (choices.empty()
                     ? std::string(" (this kind has no export: its score is one input column)")
                     : " (possible: " + choices + ")"));
  }
  const bool ubj = format == ModelFormat::XgboostUbj;
  if (format != ModelFormat::Onnx) {
    if (kind == "gbdt")
      writeXgboostModel(gbdtToXgboostJson(as<GbdtModel>(model)), ubj, path);
    else
      writeXgboostModel(forestToXgboostJson(as<ForestModel>(model)), ubj, path);
    return;
  }
  std::string bytes;
  if (kind == "gbdt")
    bytes = gbdtToOnnx(as<GbdtModel>(model), info);
  else if (kind == "easy_ensemble")
    bytes = easyEnsembleToOnnx(as<EasyEnsembleModel>(model), info);
  else if (kind == "mlp")
    bytes = mlpToOnnx(as<MlpModel>(model), info);
  else if (kind == "logistic")
    bytes = logisticToOnnx(as<LogisticModel>(model), info);
  else
    bytes = forestToOnnx(as<ForestModel>(model), info);
  writeBytes(path, bytes);
}

}  // namespace imbw
