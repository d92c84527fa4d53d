#pragma once

#include <QWidget>

namespace imbw {

class ChartView;

/// The loss an event contributes as a function of p_t, the probability the model gives its true
/// class: −α_t (1 − p_t)^γ ln p_t, one curve per class (α_t = α for signal, 1 − α for
/// background), with plain cross entropy dashed for reference. Shows what α and γ do.
class LossCurveView : public QWidget {
  Q_OBJECT
 public:
  explicit LossCurveView(QWidget* parent = nullptr);
  /// alphaSignal / alphaBackground are the α_t of each class (1 and 1 for plain cross entropy).
  void setLoss(double alphaSignal, double alphaBackground, double gamma);
  ChartView* chartView() const { return m_chart; }
  static constexpr int kPoints = 120;
  static constexpr double kMinP = 0.01;

 private:
  ChartView* m_chart;
};

}  // namespace imbw
