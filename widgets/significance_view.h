#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

class QComboBox;
class QDoubleSpinBox;

namespace imbw {

class ChartView;

/// Expected significance against the cut on the score, one curve per run for the chosen
/// definition (Z_A by default, or s/√b, s/√(s+b)), the best cut of each run marked and named
/// in the legend ("run: best cut 0.21 → Z_A = 6.29"), and the luminosity factor that scales s
/// and b. The view only draws: the owner recomputes the curves when luminosityChanged() fires.
class SignificanceView : public QWidget {
  Q_OBJECT
 public:
  enum Definition { Asimov, SOverSqrtB, SOverSqrtSB };

  explicit SignificanceView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  double luminosity() const;
  void setLuminosity(double factor);
  Definition definition() const;
  void setDefinition(Definition d);
  ChartView* chartView() const { return m_chart; }
  /// The legend texts of the runs' best cuts, joined by "; ".
  QString bestCutText() const { return m_bestText; }
  /// "Z_A", "s/√b", "s/√(s+b)".
  static QString definitionSymbol(Definition d);

 Q_SIGNALS:
  void luminosityChanged(double factor);

 private:
  void redraw();

  ChartView* m_chart;
  QDoubleSpinBox* m_lumi;
  QComboBox* m_definition;
  QList<RunPlotData> m_runs;
  QString m_bestText;
};

}  // namespace imbw
