#include "widgets/bump_hunt_view.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "widgets/chart_view.h"

namespace imbw {

BumpHuntView::BumpHuntView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_chart = new ChartView(this);
  m_chart->setLegendAlignment(Qt::AlignBottom);
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_chart, 1);
  layout->addWidget(m_summary);
  clear();
}

void BumpHuntView::clear() {
  m_chart->clear();
  m_chart->setTitle(tr("Bump hunt: run a method to cut on its score"));
  m_summary->clear();
}

QString BumpHuntView::summary() const {
  return m_summary->text();
}

void BumpHuntView::setPlot(const BumpHuntPlot& p) {
  m_chart->clear();
  m_chart->setAxisTitles(p.resonance, tr("events / bin"));
  const QString eff = p.efficiency >= 0.01 ? QString::number(100.0 * p.efficiency, 'g', 3) + " %"
                                           : QString::number(100.0 * p.efficiency, 'g', 2) + " %";
  m_chart->setTitle(tr("%1: top %2 of the events").arg(p.scoreName, eff));
  const bool truth = !p.signal.isEmpty() && p.signal.size() == p.all.size();
  if (truth) {
    QList<double> stacked(p.all.size());
    for (qsizetype i = 0; i < stacked.size(); ++i) stacked[i] = p.background[i] + p.signal[i];
    m_chart->setSeries("stack", tr("signal + background"), histogramStepPoints(p.edges, stacked),
                       {QColor(200, 30, 30)});
    m_chart->setSeries("background", tr("background"), histogramStepPoints(p.edges, p.background),
                       {QColor(30, 90, 180)});
  } else {
    m_chart->setSeries("all", tr("events after the cut"), histogramStepPoints(p.edges, p.all),
                       {Qt::black});
  }
  SeriesStyle ref{QColor(120, 120, 120), Qt::DashLine, 1.5};
  m_chart->setSeries("reference", truth ? tr("bkg. before cut") : tr("before cut"),
                     histogramStepPoints(p.edges, p.reference), ref);
  double top = 0.0;
  for (const QList<double>* v : {&p.all, &p.reference, &p.fit})
    for (double x : *v) top = std::max(top, x);
  top = top > 0 ? 1.15 * top : 1.0;
  if (!p.fit.isEmpty()) {
    QList<QPointF> pts;
    for (qsizetype i = 0; i < p.fit.size(); ++i)
      pts << QPointF(0.5 * (p.edges[i] + p.edges[i + 1]), p.fit[i]);
    m_chart->setSeries("fit", tr("sideband fit"), pts, {QColor(20, 140, 60), Qt::SolidLine, 2.0});
  }
  // The window's edges and the sidebands' outer edges as vertical lines.
  SeriesStyle edge{QColor(200, 90, 0), Qt::SolidLine, 1.5};
  edge.showInLegend = false;
  m_chart->setSeries("windowLo", {}, {{p.windowLo, 0.0}, {p.windowLo, top}}, edge);
  m_chart->setSeries("windowHi", {}, {{p.windowHi, 0.0}, {p.windowHi, top}}, edge);
  if (p.sidebandWidth > 0) {
    SeriesStyle side{QColor(70, 130, 180), Qt::DotLine, 1.5};
    side.showInLegend = false;
    const double a = p.windowLo - p.sidebandWidth, b = p.windowHi + p.sidebandWidth;
    m_chart->setSeries("sideLo", {}, {{a, 0.0}, {a, top}}, side);
    m_chart->setSeries("sideHi", {}, {{b, 0.0}, {b, top}}, side);
  }
  if (!p.edges.isEmpty()) m_chart->setXRange(p.edges.front(), p.edges.back());
  m_chart->setYRange(0.0, top);
  if (p.fit.isEmpty()) {
    m_summary->setText(tr("No sideband fit: %1").arg(p.fitError));
  } else {
    m_summary->setText(tr("Z_local = %1σ: %2 events in %3–%4, %5 expected from the sideband fit. "
                          "Dashed: the shape before the cut, scaled to the events after it.")
                           .arg(p.significance, 0, 'f', 1)
                           .arg(p.observed, 0, 'f', 0)
                           .arg(p.windowLo, 0, 'f', 0)
                           .arg(p.windowHi, 0, 'f', 0)
                           .arg(p.expected, 0, 'f', 1));
  }
}

}  // namespace imbw
