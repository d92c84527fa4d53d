#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

class QDoubleSpinBox;
class QLabel;

namespace imbw {

class ChartView;

/// Expected significance against the cut on the score: Z_A (Asimov, solid), s/√b (dashed),
/// s/√(s+b) (dotted), the best cut marked, and the luminosity factor that scales s and b.
/// The view only draws: the owner recomputes the curves when luminosityChanged() fires.
class SignificanceView : public QWidget {
  Q_OBJECT
 public:
  explicit SignificanceView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  double luminosity() const;
  void setLuminosity(double factor);
  ChartView* chartView() const { return m_chart; }
  QString bestCutText() const;

 Q_SIGNALS:
  void luminosityChanged(double factor);

 private:
  ChartView* m_chart;
  QDoubleSpinBox* m_lumi;
  QLabel* m_best;
};

}  // namespace imbw
