#include "widgets/training_history_view.h"

#include <QVBoxLayout>

#include "widgets/chart_view.h"

namespace imbw {

TrainingHistoryView::TrainingHistoryView(QWidget* parent)
    : QWidget(parent), m_chart(new ChartView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_chart);
  m_chart->setTitle(tr("Training history"));
  m_chart->setAxisTitles(tr("Iteration"), tr("Loss per event (weighted)"),
                         tr("Validation average precision"));
}

void TrainingHistoryView::setRuns(const QList<RunPlotData>& runs) {
  QStringList keep;
  QString iterationName;
  for (const RunPlotData& run : runs) {
    if (iterationName.isEmpty()) iterationName = run.iterationName;
    SeriesStyle style;
    style.color = run.color;
    if (!run.validationLoss.isEmpty()) {
      m_chart->setSeries(run.key + "/vloss", tr("%1: validation loss").arg(run.label),
                         run.validationLoss, style);
      keep << run.key + "/vloss";
    }
    if (!run.trainLoss.isEmpty()) {
      style.pen = Qt::DotLine;
      m_chart->setSeries(run.key + "/tloss", tr("%1: training loss").arg(run.label), run.trainLoss,
                         style);
      keep << run.key + "/tloss";
    }
    if (!run.validationAp.isEmpty()) {
      style.pen = Qt::DashLine;
      style.rightAxis = true;
      m_chart->setSeries(run.key + "/vap", tr("%1: validation AP").arg(run.label), run.validationAp,
                         style);
      keep << run.key + "/vap";
    }
  }
  if (!iterationName.isEmpty())
    m_chart->setAxisTitles(iterationName.left(1).toUpper() + iterationName.mid(1),
                           tr("Loss per event (weighted)"), tr("Validation average precision"));
  m_chart->retainSeries(keep);
}

}  // namespace imbw
