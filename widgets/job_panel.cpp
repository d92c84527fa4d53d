#include "widgets/job_panel.h"

#include <QGridLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <cmath>

namespace imbw {

JobPanel::JobPanel(QWidget* parent) : QWidget(parent) {
  // The rows scroll: a queued α–γ scan (a dozen runs) must not raise the panel's minimum
  // height, which would push the window taller and the runs dock over the plots.
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  m_scroll = new QScrollArea(this);
  m_scroll->setObjectName("jobScroll");
  m_scroll->setWidgetResizable(true);
  m_scroll->setFrameShape(QFrame::NoFrame);
  m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* inner = new QWidget(m_scroll);
  m_layout = new QVBoxLayout(inner);
  m_empty = new QLabel(inner);
  m_scroll->setWidget(inner);
  outer->addWidget(m_scroll);
  m_layout->setContentsMargins(2, 2, 2, 2);
  m_empty->setText(tr("No run in progress."));
  m_empty->setEnabled(false);
  m_layout->addWidget(m_empty);
  m_layout->addStretch();
}

void JobPanel::addJob(const QString& key, const QString& label, const QString& cancelToolTip) {
  if (m_rows.contains(key)) return;
  // Name, bar (the percentage) and Cancel on one line; the stage ("fold 2/5: boosting round
  // 340 of 500") on its own wrapped line below the bar, so a narrow dock never cuts it off; the
  // name wraps beside both.
  auto* w = new QWidget(this);
  auto* grid = new QGridLayout(w);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setVerticalSpacing(0);
  Row row{w, new QLabel(label, w), new QProgressBar(w), new QPushButton(tr("Cancel"), w),
          new QLabel(tr("queued"), w)};
  row.label->setMinimumWidth(120);
  row.label->setWordWrap(true);  // a long run name takes the stage line's height too
  row.label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  row.bar->setRange(0, 1000);
  row.bar->setValue(0);
  row.bar->setTextVisible(true);
  row.stage->setObjectName("jobStage");
  row.stage->setWordWrap(true);
  row.stage->setEnabled(false);  // the palette's secondary text colour
  row.cancel->setToolTip(cancelToolTip.isEmpty() ? tr("Stop this run; finished folds are discarded")
                                                 : cancelToolTip);
  grid->addWidget(row.label, 0, 0, 2, 1);
  grid->addWidget(row.bar, 0, 1);
  grid->addWidget(row.cancel, 0, 2);
  grid->addWidget(row.stage, 1, 1, 1, 2);
  grid->setColumnStretch(1, 1);
  m_layout->insertWidget(m_layout->count() - 1, w);
  connect(row.cancel, &QPushButton::clicked, this, [this, key] { Q_EMIT cancelRequested(key); });
  m_rows.insert(key, row);
  m_empty->hide();
  // The new row is laid out on the next pass; bring it into view then (a queued scan adds a
  // dozen rows below the visible part of the dock).
  QMetaObject::invokeMethod(
      m_scroll,
      [scroll = m_scroll, row = QPointer<QWidget>(w)] {
        if (row) scroll->ensureWidgetVisible(row, 0, 0);
      },
      Qt::QueuedConnection);
}

void JobPanel::setProgress(const QString& key, double fraction, const QString& stage) {
  auto it = m_rows.find(key);
  if (it == m_rows.end()) return;
  if (std::isfinite(fraction)) it->bar->setValue(static_cast<int>(std::lround(fraction * 1000)));
  it->stage->setText(stage);
  it->stage->setVisible(!stage.isEmpty());
}

void JobPanel::removeJob(const QString& key) {
  auto it = m_rows.find(key);
  if (it == m_rows.end()) return;
  it->widget->deleteLater();
  m_rows.erase(it);
  if (m_rows.isEmpty()) m_empty->show();
}

QPushButton* JobPanel::cancelButton(const QString& key) const {
  auto it = m_rows.find(key);
  return it == m_rows.end() ? nullptr : it->cancel;
}

QString JobPanel::stageText(const QString& key) const {
  auto it = m_rows.find(key);
  return it == m_rows.end() ? QString() : it->stage->text();
}

QLabel* JobPanel::stageLabel(const QString& key) const {
  auto it = m_rows.find(key);
  return it == m_rows.end() ? nullptr : it->stage;
}

}  // namespace imbw
