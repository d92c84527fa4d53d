#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

namespace imbw {

class ChartView;

/// Loss (training dotted, validation solid; left axis) and validation AP (dashed; right axis)
/// against epoch / boosting round / number of trees, per run.
class TrainingHistoryView : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingHistoryView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  ChartView* chartView() const { return m_chart; }

 private:
  ChartView* m_chart;
};

}  // namespace imbw
