#pragma once

#include <QWidget>

#include "widgets/run_plot_data.h"

namespace imbw {

class ChartView;

/// Loss (validation solid, training dashed; left axis) and validation AP (dotted; right axis)
/// against epoch / boosting round / number of trees, per run. The legend has one entry per
/// run (its colour); the line-style key is spelled out under the title, because three legend
/// boxes of the same colour per run cannot tell the styles apart.
class TrainingHistoryView : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingHistoryView(QWidget* parent = nullptr);
  void setRuns(const QList<RunPlotData>& runs);
  ChartView* chartView() const { return m_chart; }
  /// The line-style key shown under the title (plain text).
  static QString styleKey();

 private:
  ChartView* m_chart;
};

}  // namespace imbw
