#pragma once

#include <string>
#include <vector>

namespace imbw {

class EasyEnsembleModel;
class ForestModel;
class GbdtModel;
class LogisticModel;
class MlpModel;

/// What a model file does not know about its inputs but an exported file should say: the
/// feature order and the classes (written as ONNX metadata_props). Empty = unknown.
struct ExportInfo {
  std::vector<std::string> featureNames;
  std::vector<std::string> classNames;
  std::string signalClass;
};

/// ONNX files (bytes of a ModelProto; onnx.checker accepts them). Every graph takes one input
/// "features" [N × F] float32, in the training feature order, NaN = missing, and gives
/// "score" [N × 1] (the signal-class score, exactly what Model::predict returns) or, for
/// K > 2 classes, "probabilities" [N × K] (Model::predictProba).

/// Network: the standardisation as explicit nodes ((x − mean) · 1/scale, non-finite → 0, as in
/// training), then per layer MatMul, batch norm as Mul/Add with the running statistics (or the
/// bias), Relu; the output layer's logits through Sigmoid (binary) or Softmax.
std::string mlpToOnnx(const MlpModel& model, const ExportInfo& info);
/// Logistic regression: standardisation nodes, MatMul, Add, Sigmoid.
std::string logisticToOnnx(const LogisticModel& model, const ExportInfo& info);
/// Forest: one ai.onnx.ml TreeEnsembleRegressor, leaves holding the class fractions,
/// aggregate_function AVERAGE.
std::string forestToOnnx(const ForestModel& model, const ExportInfo& info);
/// Binary boosted trees: a TreeEnsembleRegressor (SUM, base value = the prior margin) and a
/// Sigmoid. K > 2 classes are not supported (imbw::Error).
std::string gbdtToOnnx(const GbdtModel& model, const ExportInfo& info);
/// Binary EasyEnsemble: one TreeEnsembleRegressor + Sigmoid per member, their mean.
std::string easyEnsembleToOnnx(const EasyEnsembleModel& model, const ExportInfo& info);

}  // namespace imbw
