#include "widgets/pr_curve_view.h"

#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

PrCurveView::PrCurveView(QWidget* parent) : QWidget(parent), m_chart(new ChartView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_chart);
  m_chart->setTitle(tr("Precision–recall (held-out events)"));
  m_chart->setAxisTitles(tr("Recall = signal efficiency ε_S"), tr("Precision (weighted purity)"));
  m_chart->setXRange(0.0, 1.0);
  m_chart->setYRange(0.0, 1.0);
}

void PrCurveView::setRuns(const QList<RunPlotData>& runs) {
  QStringList keep;
  double chance = std::nan("");
  for (const RunPlotData& run : runs)
    if (!std::isfinite(chance) && std::isfinite(run.chance)) chance = run.chance;
  // The chance line first, so that it heads the legend instead of landing between the runs
  // (the legend keeps the order in which series were first added). It becomes known only once
  // a run has its first scores, after that run's curve may exist: then the runs are added
  // again after it, once.
  if (std::isfinite(chance)) {
    const QStringList order = m_chart->seriesKeys();
    if (!order.isEmpty() && order.first() != "chance")
      for (const QString& key : order) m_chart->removeSeries(key);
    keep << "chance";
    SeriesStyle style;
    style.color = Qt::gray;
    style.pen = Qt::DashLine;
    style.width = 1.5;
    m_chart->setSeries("chance", tr("chance level r = %1").arg(chance, 0, 'g', 3),
                       {QPointF(0.0, chance), QPointF(1.0, chance)}, style);
  }
  for (const RunPlotData& run : runs) {
    const QString key = seriesKey(run.key);
    keep << key;
    SeriesStyle style;
    style.color = run.color;
    const QString legend =
        std::isfinite(run.ap) ? tr("AP %1 · %2").arg(run.ap, 0, 'f', 3).arg(run.label) : run.label;
    m_chart->setSeries(key, legend, run.pr, style);
  }
  m_chart->retainSeries(keep);
}

}  // namespace imbw
