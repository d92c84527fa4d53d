// The window's plot tabs and the one-vs-rest class chooser.
#include "app/gui/plots_area.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <algorithm>

#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"

namespace imbw {

PlotsArea::PlotsArea(QWidget* parent) : QTabWidget(parent) {
  m_prView = new PrCurveView(this);
  m_rocView = new RocCurveView(this);
  m_scoreView = new ScoreHistogramView(this);
  m_historyView = new TrainingHistoryView(this);
  m_sigView = new SignificanceView(this);
  addTab(m_prView, tr("Precision–recall"));
  addTab(m_rocView, tr("ROC / rejection"));
  addTab(m_scoreView, tr("Scores (overtraining)"));
  addTab(m_historyView, tr("Training history"));
  addTab(m_sigView, tr("Significance"));
  // Three or more classes: the curves are one class against all others, the signal class's
  // by default (its metrics are the runs table's).
  m_curveClassRow = new QWidget(this);
  auto* curveRow = new QHBoxLayout(m_curveClassRow);
  curveRow->setContentsMargins(0, 0, 4, 0);
  curveRow->addWidget(new QLabel(tr("Curves:"), m_curveClassRow));
  m_curveClass = new QComboBox(m_curveClassRow);
  m_curveClass->setToolTip(
      tr("Three or more classes: the curves and histograms show this class against all the "
         "others, scored by its probability. The runs table's metrics are the signal class's; "
         "runs still training draw the signal class's live curves only."));
  curveRow->addWidget(m_curveClass);
  setCornerWidget(m_curveClassRow, Qt::TopRightCorner);
  m_curveClassRow->hide();
  connect(m_curveClass, &QComboBox::currentIndexChanged, this, &PlotsArea::curveClassChanged);
  connect(m_sigView, &SignificanceView::luminosityChanged, this, &PlotsArea::luminosityChanged);
  connect(this, &QTabWidget::currentChanged, this, [this] { drawIfStale(currentWidget()); });
}

void PlotsArea::setRuns(const QList<RunPlotData>& runs) {
  m_runs = runs;
  // Drawing a hidden plot costs the event loop for nothing (the training history's first
  // series took 40–60 ms at the end of a run), so only the plot on screen is drawn now.
  m_stale = {m_prView, m_rocView, m_scoreView, m_historyView, m_sigView};
  drawIfStale(currentWidget());
}

void PlotsArea::drawIfStale(QWidget* view) {
  if (!m_stale.remove(view)) return;
  if (view == m_prView) m_prView->setRuns(m_runs);
  if (view == m_rocView) m_rocView->setRuns(m_runs);
  if (view == m_scoreView) m_scoreView->setRuns(m_runs);
  if (view == m_historyView) m_historyView->setRuns(m_runs);
  if (view == m_sigView) m_sigView->setRuns(m_runs);
}

void PlotsArea::setClasses(const std::vector<std::string>& classes, int signalIndex) {
  const QString before = m_curveClass->currentText();
  m_classCount = static_cast<int>(classes.size());
  {
    QSignalBlocker b(m_curveClass);
    m_curveClass->clear();
    for (std::size_t c = 0; c < classes.size(); ++c)
      m_curveClass->addItem(tr("%1 vs rest").arg(QString::fromStdString(classes[c])),
                            static_cast<int>(c));
    const int keep = m_curveClass->findText(before);
    m_curveClass->setCurrentIndex(keep >= 0 ? keep : std::max(0, signalIndex));
  }
  m_curveClassRow->setVisible(m_classCount > 2);
}

int PlotsArea::chosenClass() const {
  return m_classCount > 2 && m_curveClass->currentIndex() >= 0 ? m_curveClass->currentData().toInt()
                                                               : -1;
}

double PlotsArea::luminosity() const {
  return m_sigView->luminosity();
}

}  // namespace imbw
