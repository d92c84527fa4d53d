#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

class QComboBox;

namespace imbw {

class ChartView;

/// ROC curve (ε_S against ε_B) or, switched, the physicist's form: background rejection 1/ε_B
/// against signal efficiency ε_S on a log axis.
class RocCurveView : public QWidget {
  Q_OBJECT
 public:
  enum class Mode { Roc, Rejection };
  explicit RocCurveView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  void setMode(Mode mode);
  Mode mode() const { return m_mode; }
  ChartView* chartView() const { return m_chart; }
  static QString seriesKey(const QString& runKey) { return runKey + "/roc"; }
  /// The rejection view's marks of a run: 1/ε_B at the working points.
  static QString workingPointKey(const QString& runKey) { return runKey + "/wp"; }
  /// The signal efficiencies marked in the rejection view (those of the runs table).
  static QList<double> workingPoints();
  /// (ε_S, 1/ε_B) at each working point the curve reaches with ε_B > 0, ε_B interpolated
  /// linearly between the ROC points around it.
  static QList<QPointF> rejectionAtWorkingPoints(const QList<QPointF>& roc);

 private:
  void redraw();
  ChartView* m_chart;
  QComboBox* m_modeBox;
  Mode m_mode = Mode::Roc;
  QList<RunPlotData> m_runs;
};

}  // namespace imbw
