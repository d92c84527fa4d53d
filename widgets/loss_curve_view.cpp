#include "widgets/loss_curve_view.h"

#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

LossCurveView::LossCurveView(QWidget* parent) : QWidget(parent), m_chart(new ChartView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_chart);
  m_chart->setTitle(tr("Loss per event"));
  m_chart->setAxisTitles(tr("p_t = probability of the true class"), tr("Loss"));
  m_chart->setXRange(0.0, 1.0);
  m_chart->setLegendAlignment(Qt::AlignBottom);
  m_chart->setMinimumHeight(260);
  setLoss(0.5, 0.5, 0.0);
}

void LossCurveView::setLoss(double alphaSignal, double alphaBackground, double gamma) {
  QList<QPointF> sig, bkg, ce;
  sig.reserve(kPoints);
  bkg.reserve(kPoints);
  ce.reserve(kPoints);
  // Log-spaced in p_t: the interesting part (badly classified events) is at small p_t.
  for (int i = 0; i < kPoints; ++i) {
    const double pt = kMinP * std::pow(1.0 / kMinP, double(i) / (kPoints - 1));
    const double base = -std::pow(1.0 - pt, gamma) * std::log(pt);
    sig.push_back(QPointF(pt, alphaSignal * base));
    bkg.push_back(QPointF(pt, alphaBackground * base));
    ce.push_back(QPointF(pt, -std::log(pt)));
  }
  SeriesStyle s;
  s.color = QColor(0xd6, 0x27, 0x28);
  m_chart->setSeries("signal", tr("signal α=%1").arg(alphaSignal, 0, 'g', 3), sig, s);
  s.color = QColor(0x1f, 0x77, 0xb4);
  m_chart->setSeries("background", tr("bkg α=%1").arg(alphaBackground, 0, 'g', 3), bkg, s);
  s.color = Qt::gray;
  s.pen = Qt::DashLine;
  s.width = 1.2;
  m_chart->setSeries("ce", tr("CE"), ce, s);
  m_chart->setTitle(tr("Loss per event, γ = %1").arg(gamma, 0, 'g', 3));
}

}  // namespace imbw
