#include "widgets/score_histogram_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/chart_view.h"

namespace imbw {

ScoreHistogramView::ScoreHistogramView(QWidget* parent)
    : QWidget(parent),
      m_chart(new ChartView(this)),
      m_ratio(new ChartView(this)),
      m_runBox(new QComboBox(this)),
      m_logBox(new QCheckBox(tr("log y"), this)) {
  m_runBox->setToolTip(tr("Which of the selected runs to show"));
  m_logBox->setToolTip(tr("Logarithmic vertical axis: shows the tails where the cut sits"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Run:"), this));
  bar->addWidget(m_runBox, 1);
  bar->addWidget(m_logBox);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(m_chart, 3);
  layout->addWidget(m_ratio, 1);
  m_ratio->setAxisTitles(tr("Classifier score"), tr("test / train"));
  m_ratio->setLegendAlignment(Qt::AlignRight);
  m_chart->setTitle(histogramTitle({}));
  m_chart->setAxisTitles(tr("Classifier score"), tr("Fraction of class weight per bin"));
  connect(m_runBox, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
  connect(m_logBox, &QCheckBox::toggled, this, [this](bool on) { setLogY(on); });
}

QString ScoreHistogramView::histogramTitle(const QString& run) {
  return tr("Score distributions per class") + (run.isEmpty() ? QString() : ": " + run) +
         QStringLiteral("<br><span style=\"font-weight:normal\">%1</span>")
             .arg(
                 tr("solid: held-out test events · dashed: training events · KS p: train vs test"));
}

void ScoreHistogramView::nameRunInTitles() {
  const QString run = m_runBox->currentText().toHtmlEscaped();
  m_chart->setTitle(histogramTitle(run));
  // HTML, so a run name's '_' stays itself (plain titles turn "a_b" into a subscript).
  m_ratio->setTitle(QStringLiteral("<span>%1</span>")
                        .arg(tr("Held-out test over training events per bin: %1").arg(run)));
}

void ScoreHistogramView::setLogY(bool on) {
  m_logBox->setChecked(on);
  m_chart->setLogY(on);
}

QString ScoreHistogramView::currentRunKey() const {
  return m_runBox->currentData().toString();
}

QColor ScoreHistogramView::classColor(int classIndex, int numClasses, int signalIndex) {
  // Signal red, background blue: the convention of every HEP histogram a physicist has seen.
  if (classIndex == signalIndex) return QColor(0xd6, 0x27, 0x28);
  if (numClasses <= 2) return QColor(0x1f, 0x77, 0xb4);
  return runColor(classIndex == 0 ? 0 : classIndex + 1);
}

void ScoreHistogramView::setRuns(const QList<RunPlotData>& runs) {
  const QString current = currentRunKey();
  m_runs = runs;
  QSignalBlocker block(m_runBox);
  m_runBox->clear();
  for (const RunPlotData& run : runs) m_runBox->addItem(run.label, run.key);
  const int idx = m_runBox->findData(current);
  m_runBox->setCurrentIndex(idx >= 0 ? idx : 0);
  redraw();
}

void ScoreHistogramView::redraw() {
  QStringList keep, keepRatio;
  const QString key = currentRunKey();
  for (const RunPlotData& run : std::as_const(m_runs)) {
    if (run.key != key) continue;
    const int n = static_cast<int>(run.histograms.size());
    int signalIndex = n - 1;
    for (int c = 0; c < n; ++c)
      if (run.histograms[c].className.compare("signal", Qt::CaseInsensitive) == 0) signalIndex = c;
    for (int c = 0; c < n; ++c) {
      const ClassScoreHistogram& h = run.histograms[c];
      SeriesStyle style;
      style.color = classColor(c, n, signalIndex);
      const QString testKey = QString("%1/hist/%2/test").arg(run.key).arg(c);
      const QString trainKey = QString("%1/hist/%2/train").arg(run.key).arg(c);
      // One legend entry per class (its colour) with the KS probability; the line styles
      // (test solid, training dashed) are keyed in the title.
      const QString ks = std::isfinite(h.ksProbability)
                             ? tr(": KS p = %1").arg(h.ksProbability, 0, 'g', 2)
                             : QString();
      m_chart->setSeries(testKey, h.className + ks, histogramStepPoints(h.edges, h.test), style);
      keep << testKey;
      if (!h.train.isEmpty()) {
        style.pen = Qt::DashLine;
        style.width = 1.5;
        style.showInLegend = false;
        m_chart->setSeries(trainKey, tr("%1 (train)").arg(h.className),
                           histogramStepPoints(h.edges, h.train), style);
        keep << trainKey;
        // Ratio panel: test over training per bin; a bin without training events has none,
        // and the steps on either side of it are separate series (no line across the gap).
        QList<QList<QPointF>> segments{{}};
        if (h.train.size() == h.test.size() && h.edges.size() == h.test.size() + 1)
          for (qsizetype b = 0; b < h.test.size(); ++b) {
            if (h.train[b] > 0) {
              const double r = h.test[b] / h.train[b];
              segments.back() << QPointF(h.edges[b], r) << QPointF(h.edges[b + 1], r);
            } else if (!segments.back().isEmpty()) {
              segments.append(QList<QPointF>());
            }
          }
        if (segments.size() > 1 && segments.back().isEmpty()) segments.removeLast();
        SeriesStyle rs;
        rs.color = classColor(c, n, signalIndex);
        rs.width = 1.5;
        for (int k = 0; k < segments.size(); ++k) {
          rs.showInLegend = k == 0;
          m_ratio->setSeries(ratioKey(run.key, c, k), k == 0 ? h.className : QString(), segments[k],
                             rs);
          keepRatio << ratioKey(run.key, c, k);
        }
      }
    }
  }
  m_chart->retainSeries(keep);
  if (!keepRatio.isEmpty()) {
    SeriesStyle one;
    one.color = Qt::gray;
    one.pen = Qt::DashLine;
    one.width = 1.0;
    one.showInLegend = false;
    double lo = 0, hi = 1;
    for (const RunPlotData& run : std::as_const(m_runs))
      if (run.key == key && !run.histograms.isEmpty() && !run.histograms.front().edges.isEmpty()) {
        lo = run.histograms.front().edges.front();
        hi = run.histograms.front().edges.back();
      }
    m_ratio->setSeries("one", {}, {QPointF(lo, 1.0), QPointF(hi, 1.0)}, one);
    keepRatio << "one";
  }
  m_ratio->retainSeries(keepRatio);
}

}  // namespace imbw
