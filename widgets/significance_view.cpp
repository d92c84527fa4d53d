#include "widgets/significance_view.h"

#include <QChart>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "widgets/chart_view.h"
#include "widgets/rich_text.h"

namespace imbw {

namespace {

struct Best {
  double cut = std::nan("");
  double z = std::nan("");
};

/// The producer's best cut when it has one (it excludes cuts with almost no background);
/// otherwise the curve's maximum.
Best bestOf(const QList<QPointF>& curve, double cut, double z) {
  if (std::isfinite(cut) && std::isfinite(z)) return {cut, z};
  Best b;
  for (const QPointF& p : curve)
    if (std::isfinite(p.y()) && !(p.y() <= b.z)) b = {p.x(), p.y()};
  return b;
}

}  // namespace

SignificanceView::SignificanceView(QWidget* parent)
    : QWidget(parent),
      m_chart(new ChartView(this)),
      m_lumi(new QDoubleSpinBox(this)),
      m_integrated(new QLabel(this)),
      m_definition(new QComboBox(this)),
      m_table(new QTableWidget(0, 3, this)) {
  m_lumi->setRange(1e-4, 1e6);
  m_lumi->setDecimals(4);
  m_lumi->setValue(1.0);
  m_lumi->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  m_lumi->setToolTip(
      tr("Multiplies the weighted signal and background yields, e.g. the ratio of the target "
         "luminosity to the one the event weights are normalised to"));
  m_definition->addItem(tr("Z_A (Asimov, Cowan et al.)"), Asimov);
  m_definition->addItem(tr("s/√b"), SOverSqrtB);
  m_definition->addItem(tr("s/√(s+b)"), SOverSqrtSB);
  m_definition->setToolTip(
      tr("Z_A = √(2((s+b) ln(1+s/b) − s)) is the median discovery significance; s/√b is its "
         "limit for s ≪ b and overestimates when s is not small; s/√(s+b) is the precision of "
         "a signal-yield measurement"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Significance:"), this));
  bar->addWidget(m_definition);
  bar->addSpacing(16);
  bar->addWidget(new QLabel(tr("Luminosity factor:"), this));
  bar->addWidget(m_lumi);
  m_integrated->setObjectName("integratedLuminosity");
  m_integrated->setTextFormat(Qt::RichText);
  m_integrated->setVisible(false);
  m_integrated->setToolTip(
      tr("The factor times the luminosity the event weights are normalised to (File ▸ Export ▸ "
         "Plot label…); the plots' label block writes it where it says {lumi}"));
  bar->addWidget(m_integrated);
  bar->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(m_chart, 1);
  // The table below is the legend (a run name plus its best cut does not fit a chart legend
  // entry once there are a few runs).
  m_chart->setLegendVisible(false);
  m_table->setObjectName("bestCutTable");
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionMode(QAbstractItemView::NoSelection);
  m_table->setFocusPolicy(Qt::NoFocus);
  m_table->setWordWrap(false);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setStretchLastSection(true);
  m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->setToolTip(
      tr("Best cut of each run: the cut on the score with the largest "
         "significance among cuts keeping at least 1 % of the background"));
  layout->addWidget(m_table);
  connect(m_lumi, &QDoubleSpinBox::valueChanged, this, &SignificanceView::luminosityChanged);
  connect(m_definition, &QComboBox::currentIndexChanged, this, [this] {
    // Switching the definition is a different plot: start its curves afresh.
    m_chart->clear();
    redraw();
  });
  redraw();
}

double SignificanceView::luminosity() const {
  return m_lumi->value();
}
void SignificanceView::setLuminosity(double factor) {
  m_lumi->setValue(factor);
}
void SignificanceView::setIntegratedLuminosity(const QString& text) {
  m_integratedText = text;
  m_integrated->setText(text.isEmpty() ? QString() : richText(text));
  m_integrated->setVisible(!text.isEmpty());
}
SignificanceView::Definition SignificanceView::definition() const {
  return static_cast<Definition>(m_definition->currentData().toInt());
}
void SignificanceView::setDefinition(Definition d) {
  m_definition->setCurrentIndex(m_definition->findData(d));
}

QString SignificanceView::definitionSymbol(Definition d) {
  switch (d) {
    case SOverSqrtB:
      return QStringLiteral("s/√b");
    case SOverSqrtSB:
      return QStringLiteral("s/√(s+b)");
    case Asimov:
      break;
  }
  return QStringLiteral("Z_A");
}

void SignificanceView::setRuns(const QList<RunPlotData>& runs) {
  m_runs = runs;
  redraw();
}

void SignificanceView::redraw() {
  const Definition d = definition();
  const QString symbol = definitionSymbol(d);
  m_chart->setTitle(tr("Expected significance %1 against the score cut").arg(symbol));
  m_chart->setAxisTitles(tr("Cut on the classifier score (keep score ≥ cut)"),
                         tr("%1 [σ]").arg(symbol));
  QStringList keep;
  QStringList best;
  m_table->setHorizontalHeaderLabels(
      {tr("Run"), tr("Best cut (score ≥)"), tr("%1 there [σ]").arg(symbol)});
  m_table->setRowCount(static_cast<int>(m_runs.size()));
  int row = 0;
  for (const RunPlotData& run : std::as_const(m_runs)) {
    const SignificanceCurves& s = run.significance;
    const QList<QPointF>& curve = d == SOverSqrtB    ? s.sOverSqrtB
                                  : d == SOverSqrtSB ? s.sOverSqrtSB
                                                     : s.asimov;
    const Best b = d == SOverSqrtB    ? bestOf(curve, s.bestCutSOverSqrtB, s.bestSOverSqrtB)
                   : d == SOverSqrtSB ? bestOf(curve, s.bestCutSOverSqrtSB, s.bestSOverSqrtSB)
                                      : bestOf(curve, s.bestCut, s.bestZ);
    const bool hasBest = std::isfinite(b.cut) && std::isfinite(b.z);
    if (hasBest)
      best << tr("%1: best cut %2 → %3 = %4")
                  .arg(run.label)
                  .arg(b.cut, 0, 'g', 2)
                  .arg(symbol)
                  .arg(b.z, 0, 'f', 2);
    QPixmap swatch(12, 12);
    swatch.fill(run.color);
    auto* name = new QTableWidgetItem(QIcon(swatch), run.label);
    auto* cut = new QTableWidgetItem(hasBest ? QString::number(b.cut, 'g', 2) : tr("—"));
    auto* z = new QTableWidgetItem(hasBest ? QString::number(b.z, 'f', 2) : tr("—"));
    cut->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    z->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setItem(row, 0, name);
    m_table->setItem(row, 1, cut);
    m_table->setItem(row, 2, z);
    ++row;
    SeriesStyle style;
    style.color = run.color;
    m_chart->setSeries(run.key + "/z", run.label, curve, style);
    keep << run.key + "/z";
    if (std::isfinite(b.cut) && std::isfinite(b.z)) {
      SeriesStyle marker;
      marker.color = run.color;
      marker.scatter = true;
      marker.markerSize = 11;
      marker.showInLegend = false;
      m_chart->setSeries(run.key + "/best", QString(), {QPointF(b.cut, b.z)}, marker);
      keep << run.key + "/best";
    }
  }
  m_bestText = best.join("; ");
  m_chart->retainSeries(keep);
  // Room for every run up to five rows, then it scrolls; the plot keeps the rest.
  const int rows = std::clamp(static_cast<int>(m_runs.size()), 1, 5);
  const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
  m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() + rows * rowHeight +
                          2 * m_table->frameWidth());
}

}  // namespace imbw
