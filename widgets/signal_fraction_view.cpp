#include "widgets/signal_fraction_view.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

SignalFractionView::SignalFractionView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_chart = new ChartView(this);
  m_chart->setLegendAlignment(Qt::AlignBottom);
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
  double xMin = 0.0, xMax = 0.0, yMax = 0.0;
  for (const auto& c : curves)
    for (const QPointF& p : c.second) {
      xMin = xMin == 0.0 ? p.x() : std::min(xMin, p.x());
      xMax = std::max(xMax, p.x());
      yMax = std::max(yMax, p.y());
    }
  if (xMax > 0.0) {
    // Whole decades with room around the points, so every point shows with a labelled decade.
    const double lo = std::pow(10.0, std::floor(std::log10(xMin / 1.5)));
    const double hi = std::pow(10.0, std::ceil(std::log10(xMax * 1.5)));
    m_chart->setXRange(lo, hi);
    // What a cut on a random score gives: ε_S/√ε_B = √ε, at most 1; AUC 0.5.
    const bool sic =
        metric.contains(QStringLiteral("√ε_B")) && !metric.contains(QStringLiteral("1/"));
    const bool auc = metric == QStringLiteral("AUC");
    if (sic || auc) {
      SeriesStyle chance{QColor(130, 130, 130), Qt::DotLine, 1.5};
      const double y = sic ? 1.0 : 0.5;
      m_chart->setSeries("chance", sic ? tr("no cut (1)") : tr("random (0.5)"), {{lo, y}, {hi, y}},
                         chance);
    }
    m_chart->setYRange(0.0, auc ? 1.05 : std::max(1.2, 1.15 * yMax));
  }
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
