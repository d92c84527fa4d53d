#include "widgets/roc_curve_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

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
    }
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
    m_chart->setSeries("random", tr("random classifier (1/ε_S)"), pts, chance);
  }
  m_chart->retainSeries(keep);
}

}  // namespace imbw
