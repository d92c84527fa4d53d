#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

class QCheckBox;
class QComboBox;

namespace imbw {

class ChartView;

/// The overtraining check: per-class score distributions of one run, held-out (test) events
/// solid and training events dashed, the train-vs-test Kolmogorov–Smirnov probability of each
/// class in the legend. One run at a time (chosen in a box among the selected runs): classes
/// are told apart by colour, which would clash with the per-run colours of an overlay.
class ScoreHistogramView : public QWidget {
  Q_OBJECT
 public:
  explicit ScoreHistogramView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  void setLogY(bool on);
  ChartView* chartView() const { return m_chart; }
  QString currentRunKey() const;
  static QColor classColor(int classIndex, int numClasses, int signalIndex);

 private:
  void redraw();
  ChartView* m_chart;
  QComboBox* m_runBox;
  QCheckBox* m_logBox;
  QList<RunPlotData> m_runs;
};

}  // namespace imbw
