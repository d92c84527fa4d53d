#include "widgets/roc_curve_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

namespace {

/// ε_B at signal efficiency `eff` on a ROC curve of (ε_B, ε_S) points in ascending order,
/// linearly interpolated between the two points around it (as the runs table's 1/ε_B); NaN
/// when the curve never reaches `eff`.
double backgroundEfficiencyAt(const QList<QPointF>& roc, double eff) {
  for (qsizetype i = 0; i < roc.size(); ++i) {
    if (roc[i].y() < eff) continue;
    if (i == 0 || roc[i].y() == eff) return roc[i].x();
    const QPointF a = roc[i - 1], b = roc[i];
    return a.x() + (eff - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
  }
  return std::nan("");
}

}  // namespace

QList<double> RocCurveView::workingPoints() {
  return {0.2, 0.5, 0.8};
}

QList<QPointF> RocCurveView::rejectionAtWorkingPoints(const QList<QPointF>& roc) {
  QList<QPointF> out;
  for (double eff : workingPoints()) {
    const double effB = backgroundEfficiencyAt(roc, eff);
    if (std::isfinite(effB) && effB > 0) out << QPointF(eff, 1.0 / effB);
  }
  return out;
}

RocCurveView::RocCurveView(QWidget* parent)
    : QWidget(parent), m_chart(new ChartView(this)), m_modeBox(new QComboBox(this)) {
  m_modeBox->setObjectName("rocModeBox");
  m_modeBox->addItem(tr("ROC: ε_S against ε_B"));
  m_modeBox->addItem(tr("Background rejection 1/ε_B against ε_S (log)"));
  m_modeBox->setToolTip(tr("The rejection view shows the region physicists cut in: small ε_B."));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Show:"), this));
  bar->addWidget(m_modeBox);
  bar->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(m_chart);
  connect(m_modeBox, &QComboBox::currentIndexChanged, this,
          [this](int i) { setMode(i == 0 ? Mode::Roc : Mode::Rejection); });
  setMode(Mode::Roc);
}

void RocCurveView::setMode(Mode mode) {
  const bool changed = mode != m_mode || m_chart->seriesKeys().isEmpty();
  m_mode = mode;
  m_modeBox->setCurrentIndex(mode == Mode::Roc ? 0 : 1);
  if (!changed) return;
  m_chart->clear();
  if (mode == Mode::Roc) {
    m_chart->setTitle(tr("ROC curve (held-out events)"));
    m_chart->setLogY(false);
    m_chart->setAxisTitles(tr("Background efficiency ε_B"), tr("Signal efficiency ε_S"));
    m_chart->setXRange(0.0, 1.0);
    m_chart->setYRange(0.0, 1.0);
  } else {
    m_chart->setTitle(tr("Background rejection (held-out events)"));
    m_chart->setAxisTitles(tr("Signal efficiency ε_S"), tr("Background rejection 1/ε_B"));
    m_chart->setLogY(true);
    m_chart->setXRange(0.0, 1.0);
    m_chart->setAutoRange(false, true);
  }
  redraw();
}

void RocCurveView::setRuns(const QList<RunPlotData>& runs) {
  m_runs = runs;
  redraw();
}

void RocCurveView::redraw() {
  QStringList keep;
  for (const RunPlotData& run : std::as_const(m_runs)) {
    const QString key = seriesKey(run.key);
    keep << key;
    SeriesStyle style;
    style.color = run.color;
    const QString legend = std::isfinite(run.auc)
                               ? tr("AUC %1 · %2").arg(run.auc, 0, 'f', 3).arg(run.label)
                               : run.label;
    if (m_mode == Mode::Roc) {
      m_chart->setSeries(key, legend, run.roc, style);
    } else {
      QList<QPointF> pts;
      pts.reserve(run.roc.size());
      for (const QPointF& p : run.roc)
        if (p.x() > 0 && p.y() > 0) pts.push_back(QPointF(p.y(), 1.0 / p.x()));
      m_chart->setSeries(key, legend, pts, style);
      // The working points of the runs table, marked on each curve.
      SeriesStyle marks;
      marks.color = run.color;
      marks.scatter = true;
      marks.markerSize = 9.0;
      marks.showInLegend = false;
      m_chart->setSeries(workingPointKey(run.key), {}, rejectionAtWorkingPoints(run.roc), marks);
      keep << workingPointKey(run.key);
    }
  }
  if (m_mode == Mode::Rejection && !m_runs.isEmpty()) {
    SeriesStyle key;
    key.color = Qt::gray;
    key.scatter = true;
    key.markerSize = 9.0;
    QStringList effs;
    for (double e : workingPoints()) effs << QString::number(e);
    m_chart->setSeries("working points",
                       tr("working points: ε<sub>S</sub> = %1").arg(effs.join(", ")), {}, key);
    keep << "working points";
  }
  SeriesStyle chance;
  chance.color = Qt::gray;
  chance.pen = Qt::DashLine;
  chance.width = 1.5;
  keep << "random";
  if (m_mode == Mode::Roc) {
    m_chart->setSeries("random", tr("random classifier"), {QPointF(0, 0), QPointF(1, 1)}, chance);
  } else {
    QList<QPointF> pts;
    for (int i = 1; i <= 50; ++i) pts.push_back(QPointF(i / 50.0, 50.0 / i));
    m_chart->setSeries("random", tr("random classifier (1/ε<sub>S</sub>)"), pts, chance);
  }
  m_chart->retainSeries(keep);
}

}  // namespace imbw
