#include "widgets/error_bar_chart.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

ErrorBarChart::ErrorBarChart(QWidget* parent) : QWidget(parent), m_chart(new ChartView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_chart);
}

void ErrorBarChart::setCurves(const QList<ErrorBarCurve>& curves, bool diagonal) {
  m_curves = curves;
  m_chart->clear();
  if (diagonal) {
    SeriesStyle s;
    s.color = QColor(150, 150, 150);
    s.pen = Qt::DashLine;
    s.width = 1.0;
    m_chart->setSeries(QStringLiteral("diagonal"), tr("ideal"), {QPointF(0, 0), QPointF(1, 1)}, s);
  }
  for (const ErrorBarCurve& c : curves) {
    QList<QPointF> line;
    for (qsizetype i = 0; i < c.x.size() && i < c.y.size(); ++i)
      if (std::isfinite(c.x[i]) && std::isfinite(c.y[i])) line << QPointF(c.x[i], c.y[i]);
    SeriesStyle s;
    s.color = c.color;
    s.pen = c.pen;
    m_chart->setSeries(c.key, c.legend, line, s);
    SeriesStyle dots;
    dots.color = c.color;
    dots.scatter = true;
    dots.markerSize = 7.0;
    dots.showInLegend = false;
    m_chart->setSeries(c.key + QStringLiteral("/points"), QString(), line, dots);
    SeriesStyle bar;
    bar.color = c.color;
    bar.width = 1.2;
    bar.showInLegend = false;
    for (qsizetype i = 0; i < c.x.size() && i < c.y.size() && i < c.yError.size(); ++i) {
      if (!std::isfinite(c.x[i]) || !std::isfinite(c.y[i]) || !std::isfinite(c.yError[i])) continue;
      m_chart->setSeries(QStringLiteral("%1/error/%2").arg(c.key).arg(i), QString(),
                         {QPointF(c.x[i], std::max(c.yMin, c.y[i] - c.yError[i])),
                          QPointF(c.x[i], std::min(c.yMax, c.y[i] + c.yError[i]))},
                         bar);
    }
  }
}

}  // namespace imbw
