#include "widgets/significance_view.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

SignificanceView::SignificanceView(QWidget* parent)
    : QWidget(parent),
      m_chart(new ChartView(this)),
      m_lumi(new QDoubleSpinBox(this)),
      m_best(new QLabel(this)) {
  m_lumi->setRange(1e-4, 1e6);
  m_lumi->setDecimals(4);
  m_lumi->setValue(1.0);
  m_lumi->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  m_lumi->setToolTip(
      tr("Multiplies the weighted signal and background yields, e.g. the ratio of the target "
         "luminosity to the one the event weights are normalised to"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Luminosity factor:"), this));
  bar->addWidget(m_lumi);
  bar->addWidget(m_best, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(m_chart);
  m_chart->setTitle(tr("Expected significance against the score cut"));
  m_chart->setAxisTitles(tr("Cut on the classifier score (keep score ≥ cut)"),
                         tr("Significance Z [σ]"));
  connect(m_lumi, &QDoubleSpinBox::valueChanged, this, &SignificanceView::luminosityChanged);
}

double SignificanceView::luminosity() const {
  return m_lumi->value();
}
void SignificanceView::setLuminosity(double factor) {
  m_lumi->setValue(factor);
}
QString SignificanceView::bestCutText() const {
  return m_best->text();
}

void SignificanceView::setRuns(const QList<RunPlotData>& runs) {
  QStringList keep;
  QStringList best;
  for (const RunPlotData& run : runs) {
    const SignificanceCurves& s = run.significance;
    SeriesStyle style;
    style.color = run.color;
    m_chart->setSeries(run.key + "/za", tr("%1: Z_A (Asimov)").arg(run.label), s.asimov, style);
    style.pen = Qt::DashLine;
    style.width = 1.5;
    m_chart->setSeries(run.key + "/sb", tr("%1: s/√b").arg(run.label), s.sOverSqrtB, style);
    style.pen = Qt::DotLine;
    m_chart->setSeries(run.key + "/ssb", tr("%1: s/√(s+b)").arg(run.label), s.sOverSqrtSB, style);
    keep << run.key + "/za" << run.key + "/sb" << run.key + "/ssb";
    if (std::isfinite(s.bestCut) && std::isfinite(s.bestZ)) {
      SeriesStyle marker;
      marker.color = run.color;
      marker.scatter = true;
      marker.markerSize = 11;
      marker.showInLegend = false;
      m_chart->setSeries(run.key + "/best", QString(), {QPointF(s.bestCut, s.bestZ)}, marker);
      keep << run.key + "/best";
      best << tr("%1: best cut %2 → Z_A = %3")
                  .arg(run.label)
                  .arg(s.bestCut, 0, 'g', 3)
                  .arg(s.bestZ, 0, 'f', 2);
    }
  }
  m_best->setText(best.join("; "));
  m_chart->retainSeries(keep);
}

}  // namespace imbw
