#include "widgets/signal_fraction_view.h"

#include <QVBoxLayout>
#include <algorithm>

#include "widgets/chart_view.h"

namespace imbw {

SignalFractionView::SignalFractionView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_chart = new ChartView(this);
  m_chart->setLegendAlignment(Qt::AlignRight);
  layout->addWidget(m_chart);
  clear();
}

void SignalFractionView::clear() {
  m_chart->clear();
  m_chart->setTitle(tr("Signal-fraction scan: run it to compare the methods"));
}

QColor SignalFractionView::methodColor(const QString& m) {
  if (m == "supervised") return Qt::black;
  if (m == "cwola") return QColor(30, 90, 180);
  if (m == "autoencoder") return QColor(20, 140, 60);
  if (m == "tnt") return QColor(200, 30, 30);
  return QColor(120, 60, 160);
}

void SignalFractionView::setCurves(const QString& metric,
                                   const QList<QPair<QString, QList<QPointF>>>& curves) {
  m_chart->clear();
  m_chart->setTitle(tr("%1 against the injected signal fraction (inside the window)").arg(metric));
  m_chart->setAxisTitles(tr("S/B of the whole sample"), metric);
  m_chart->setLogX(true);
  for (const auto& [method, raw] : curves) {
    QList<QPointF> pts = raw;
    std::sort(pts.begin(), pts.end(), [](QPointF a, QPointF b) { return a.x() < b.x(); });
    const QString name = method == "tnt"           ? tr("Tag N' Train")
                         : method == "cwola"       ? tr("CWoLa")
                         : method == "supervised"  ? tr("supervised (reads the truth)")
                         : method == "autoencoder" ? tr("autoencoders")
                                                   : method;
    SeriesStyle line{methodColor(method), method == "supervised" ? Qt::DashLine : Qt::SolidLine,
                     2.0};
    m_chart->setSeries(method, name, pts, line);
    SeriesStyle dots{methodColor(method), Qt::SolidLine, 2.0, true, 8.0};
    dots.showInLegend = false;
    m_chart->setSeries(method + "/points", {}, pts, dots);
  }
}

}  // namespace imbw
