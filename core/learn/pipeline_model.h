#pragma once

#include <memory>
#include <string>

#include "core/eval/recalibration.h"
#include "core/learn/input_transform.h"
#include "core/learn/model.h"

namespace imbw {

/// A model with an input transformation before it and a score calibration after it (issue 13):
/// predict(x) = calibrator(inner.predict(transform(x))). fit() fits the transform on the
/// training events and the inner model on the transformed ones; the engine sets the calibrator
/// afterwards (it needs a held-back part of the training fold). kind() and config() are the
/// inner model's, so tables and file names do not change. save() writes the inner model's file
/// and beside it PATH.pipeline.json, which loadModel() reads back.
class PipelineModel : public Model {
 public:
  PipelineModel(std::unique_ptr<Model> inner, InputTransform transform);

  std::string kind() const override { return m_inner->kind(); }
  nlohmann::json config() const override { return m_inner->config(); }
  void fit(const FeatureMatrix& train, const FitContext& ctx) override;
  std::vector<double> predict(const RowMatrixF& x) const override;
  /// Uncalibrated for K > 2 (calibration is binary); calibrated signal column when binary.
  std::vector<double> predictProba(const RowMatrixF& x) const override;
  void save(const std::string& path) const override;

  /// The inner model's score before calibration.
  std::vector<double> predictRaw(const RowMatrixF& x) const;
  const Model& inner() const { return *m_inner; }
  const InputTransform& transform() const { return m_transform; }
  const Calibrator& calibrator() const { return m_calibrator; }
  void setCalibrator(Calibrator c) { m_calibrator = std::move(c); }

  /// PATH.pipeline.json (the sidecar).
  static std::string sidecarPath(const std::string& modelPath);
  /// Wraps a loaded model when its sidecar exists; returns it unchanged otherwise.
  static std::unique_ptr<Model> wrapIfSidecar(std::unique_ptr<Model> model,
                                              const std::string& modelPath);

 private:
  std::unique_ptr<Model> m_inner;
  InputTransform m_transform;
  Calibrator m_calibrator;
  bool m_binary = true;
};

/// The model itself, or the inner model of a PipelineModel (for tree importance).
const Model& innermostModel(const Model& m);

}  // namespace imbw
