#pragma once

#include <QWidget>
#include <functional>
#include <optional>

#include "core/learn/run_config.h"

class QComboBox;
class QDoubleSpinBox;
class QPushButton;
class QSlider;
class QSpinBox;
class QVBoxLayout;

namespace imbw {

class LossCurveView;

/// The "Imbalance and loss" dock: the resampling of the training folds and the loss (kind, α
/// and γ with sliders and the live loss curve, "α = 1 − r"). It reads and writes only those
/// parts of a run's configuration (fillConfig / applyConfig).
class LossPanel : public QWidget {
  Q_OBJECT
 public:
  explicit LossPanel(QWidget* parent = nullptr);

  /// Where "α = 1 − r" and a stored "α = 1 − r" run take r from: the signal fraction by weight
  /// after the current cut, or nothing while it is unknown.
  void setSignalFractionSource(std::function<std::optional<double>()> source) {
    m_signalFraction = std::move(source);
  }
  /// Puts a widget above the resampling box (the controlled-imbalance box).
  void insertTop(QWidget* widget);

  /// Writes the resampling and loss settings into `config` (seed excluded: the Model panel's).
  void fillConfig(RunConfig& config) const;
  /// Shows a configuration's resampling and loss (α = 1 − r resolved with the current r).
  void applyConfig(const RunConfig& config);

  QComboBox* lossKindBox() const { return m_lossKind; }
  QDoubleSpinBox* alphaBox() const { return m_alpha; }
  QDoubleSpinBox* gammaBox() const { return m_gamma; }
  LossCurveView* lossView() const { return m_lossView; }

 private:
  void updateLossPlot();

  std::function<std::optional<double>()> m_signalFraction;
  QVBoxLayout* m_layout = nullptr;
  QComboBox* m_resampleKind = nullptr;
  QDoubleSpinBox* m_resampleRatio = nullptr;
  QSpinBox* m_resampleK = nullptr;
  QComboBox* m_negativeWeights = nullptr;
  QComboBox* m_lossKind = nullptr;
  QDoubleSpinBox* m_alpha = nullptr;
  QSlider* m_alphaSlider = nullptr;
  QDoubleSpinBox* m_gamma = nullptr;
  QSlider* m_gammaSlider = nullptr;
  QPushButton* m_alphaFromR = nullptr;
  LossCurveView* m_lossView = nullptr;
};

}  // namespace imbw
