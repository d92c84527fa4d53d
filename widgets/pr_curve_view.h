#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

namespace imbw {

class ChartView;

/// Precision against recall for several runs, the AP in each legend entry and the chance level
/// r (what a random classifier reaches) as a dashed line.
class PrCurveView : public QWidget {
  Q_OBJECT
 public:
  explicit PrCurveView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  ChartView* chartView() const { return m_chart; }
  static QString seriesKey(const QString& runKey) { return runKey + "/pr"; }

 private:
  ChartView* m_chart;
};

}  // namespace imbw
