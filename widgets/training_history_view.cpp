#include "widgets/training_history_view.h"

#include <QVBoxLayout>

#include "widgets/chart_view.h"

namespace imbw {

TrainingHistoryView::TrainingHistoryView(QWidget* parent)
    : QWidget(parent), m_chart(new ChartView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_chart);
  // Qt Charts renders the title as HTML: the key goes on a second, lighter line.
  m_chart->setTitle(tr("Training history") +
                    QStringLiteral("<br><span style=\"font-weight:normal\">%1</span>")
                        .arg(styleKey().toHtmlEscaped()));
  m_chart->setAxisTitles(tr("Iteration"), tr("Loss per event (weighted)"),
                         tr("Validation average precision"));
}

QString TrainingHistoryView::styleKey() {
  return tr("solid: validation loss · dashed: training loss · dotted: validation AP (right axis)");
}

void TrainingHistoryView::setRuns(const QList<RunPlotData>& runs) {
  QStringList keep;
  QString iterationName;
  for (const RunPlotData& run : runs) {
    if (iterationName.isEmpty()) iterationName = run.iterationName;
    // The first series a run has carries its one legend entry; the others hide their marker.
    bool legendGiven = false;
    auto add = [&](const QString& suffix, const QList<QPointF>& points, Qt::PenStyle pen,
                   bool right) {
      if (points.isEmpty()) return;
      SeriesStyle style;
      style.color = run.color;
      style.pen = pen;
      style.rightAxis = right;
      style.width = pen == Qt::SolidLine ? 2.0 : 1.6;
      style.showInLegend = !legendGiven;
      m_chart->setSeries(run.key + suffix, legendGiven ? QString() : run.label, points, style);
      legendGiven = true;
      keep << run.key + suffix;
    };
    add("/vloss", run.validationLoss, Qt::SolidLine, false);
    add("/tloss", run.trainLoss, Qt::DashLine, false);
    add("/vap", run.validationAp, Qt::DotLine, true);
  }
  if (!iterationName.isEmpty())
    m_chart->setAxisTitles(iterationName.left(1).toUpper() + iterationName.mid(1),
                           tr("Loss per event (weighted)"), tr("Validation average precision"));
  m_chart->retainSeries(keep);
}

}  // namespace imbw
