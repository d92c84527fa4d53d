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
  /// The panel under the histograms: per class and bin, held-out (test) over training
  /// fraction, where the training bin is not empty; a dashed line at 1. Bins without a ratio
  /// are gaps: each stretch of bins with one is a series of its own (segment 0, 1, ...; only
  /// the first is in the legend), so no line is drawn across a gap.
  ChartView* ratioView() const { return m_ratio; }
  static QString ratioKey(const QString& runKey, int classIndex, int segment = 0) {
    return segment == 0 ? QString("%1/ratio/%2").arg(runKey).arg(classIndex)
                        : QString("%1/ratio/%2/%3").arg(runKey).arg(classIndex).arg(segment);
  }
  QString currentRunKey() const;
  /// For a figure of its own (an exported file, where no run box says which run it is): both
  /// titles name the current run, and the ratio panel gets a title.
  void nameRunInTitles();
  static QColor classColor(int classIndex, int numClasses, int signalIndex);

 private:
  void redraw();
  /// The histograms' title: `run` (HTML, empty: none) after the first line.
  static QString histogramTitle(const QString& run);
  ChartView* m_chart;
  ChartView* m_ratio;
  QComboBox* m_runBox;
  QCheckBox* m_logBox;
  QList<RunPlotData> m_runs;
};

}  // namespace imbw
