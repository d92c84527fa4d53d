#pragma once

#include <QList>
#include <QSet>
#include <QTabWidget>
#include <string>
#include <vector>

#include "widgets/run_plot_data.h"

class QComboBox;

namespace imbw {

class PrCurveView;
class RocCurveView;
class ScoreHistogramView;
class SignificanceView;
class TrainingHistoryView;

/// The plots in the centre of the window: precision–recall, ROC / rejection, score histograms,
/// training history and significance as tabs (more tabs may be added), with the "Curves:"
/// chooser in the corner for three or more classes. It draws the runs it is given: only the
/// tab on screen is drawn at once, the others when they are shown.
class PlotsArea : public QTabWidget {
  Q_OBJECT
 public:
  explicit PlotsArea(QWidget* parent = nullptr);

  /// The runs to overlay (the shown runs that draw something), in legend order.
  void setRuns(const QList<RunPlotData>& runs);
  const QList<RunPlotData>& runs() const { return m_runs; }
  /// Lists "class vs rest" for every class; the chooser is shown for three or more classes.
  void setClasses(const std::vector<std::string>& classes, int signalIndex);
  /// The class whose one-vs-rest curves are chosen, or -1 with two classes or fewer.
  int chosenClass() const;
  /// The luminosity factor the significance tab uses.
  double luminosity() const;

  PrCurveView* prView() const { return m_prView; }
  RocCurveView* rocView() const { return m_rocView; }
  ScoreHistogramView* scoreView() const { return m_scoreView; }
  TrainingHistoryView* historyView() const { return m_historyView; }
  SignificanceView* significanceView() const { return m_sigView; }
  QComboBox* curveClassBox() const { return m_curveClass; }

 Q_SIGNALS:
  /// Another class was chosen in "Curves:".
  void curveClassChanged();
  /// The significance tab's luminosity changed.
  void luminosityChanged();

 private:
  void drawIfStale(QWidget* view);

  QList<RunPlotData> m_runs;
  QSet<QWidget*> m_stale;  ///< views not yet drawn with m_runs
  QWidget* m_curveClassRow = nullptr;
  QComboBox* m_curveClass = nullptr;
  int m_classCount = 0;
  PrCurveView* m_prView = nullptr;
  RocCurveView* m_rocView = nullptr;
  ScoreHistogramView* m_scoreView = nullptr;
  TrainingHistoryView* m_historyView = nullptr;
  SignificanceView* m_sigView = nullptr;
};

}  // namespace imbw
