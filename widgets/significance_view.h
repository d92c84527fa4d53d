#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QTableWidget;

namespace imbw {

class ChartView;

/// Expected significance against the cut on the score, one curve per run for the chosen
/// definition (Z_A by default, or s/√b, s/√(s+b)), the best cut of each run marked on its
/// curve, and the luminosity factor that scales s and b. Below the plot a table is the legend:
/// one row per run (its colour, name, best cut, significance there), so any number of runs
/// stays readable (a chart legend elides its entries once they do not fit). The view only
/// draws: the owner recomputes the curves when luminosityChanged() fires.
class SignificanceView : public QWidget {
  Q_OBJECT
 public:
  enum Definition { Asimov, SOverSqrtB, SOverSqrtSB };

  explicit SignificanceView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  double luminosity() const;
  void setLuminosity(double factor);
  /// Shown beside the factor, e.g. "= 142 fb^{-1}" (the factor times the luminosity the
  /// weights are normalised to); empty: the weights' luminosity is not known.
  void setIntegratedLuminosity(const QString& text);
  QString integratedLuminosity() const { return m_integratedText; }
  Definition definition() const;
  void setDefinition(Definition d);
  ChartView* chartView() const { return m_chart; }
  /// The runs' best cuts ("run: best cut 0.21 → Z_A = 6.29"), joined by "; ".
  QString bestCutText() const { return m_bestText; }
  /// The legend table: run, best cut, significance (one row per run).
  QTableWidget* bestCutTable() const { return m_table; }
  /// "Z_A", "s/√b", "s/√(s+b)".
  static QString definitionSymbol(Definition d);

 Q_SIGNALS:
  void luminosityChanged(double factor);

 private:
  void redraw();

  ChartView* m_chart;
  QDoubleSpinBox* m_lumi;
  QLabel* m_integrated;
  QString m_integratedText;
  QComboBox* m_definition;
  QTableWidget* m_table;
  QList<RunPlotData> m_runs;
  QString m_bestText;
};

}  // namespace imbw
