#pragma once

#include <string>
#include <vector>

#include "core/export/onnx_export.h"

namespace imbw {

class Model;

/// The formats a trained model leaves the workbench in.
enum class ModelFormat {
  XgboostJson,  ///< XGBoost's JSON model ("xgboost"): xgboost.Booster, ROOT's RBDT::LoadXGBoost
  XgboostUbj,   ///< the same as XGBoost's Universal Binary JSON ("ubj")
  Onnx,         ///< ONNX ("onnx"), trees as ai.onnx.ml TreeEnsembleRegressor
};

/// "xgboost" (or "json"), "ubj", "onnx"; anything else throws imbw::Error listing the choices.
ModelFormat parseModelFormat(const std::string& text);
std::string formatName(ModelFormat format);
/// The formats a model kind can be exported to, the preferred one first:
/// gbdt: xgboost, ubj, onnx; random_forest / balanced_random_forest: xgboost, ubj, onnx;
/// easy_ensemble, mlp, logistic: onnx; one_variable: none (the score is one input column).
std::vector<ModelFormat> exportFormats(const std::string& kind);

/// Writes `model` to `path` in `format`. Throws imbw::Error naming the model kind and the
/// format when the kind cannot be written so (before anything is written), or when writing
/// fails.
void exportModel(const Model& model, ModelFormat format, const std::string& path,
                 const ExportInfo& info = {});

}  // namespace imbw
