#include "widgets/job_panel.h"

#include <QHBoxLayout>
#include <QLabel>
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
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName("jobScroll");
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* inner = new QWidget(scroll);
  m_layout = new QVBoxLayout(inner);
  m_empty = new QLabel(inner);
  scroll->setWidget(inner);
  outer->addWidget(scroll);
  m_layout->setContentsMargins(2, 2, 2, 2);
  m_empty->setText(tr("No run in progress."));
  m_empty->setEnabled(false);
  m_layout->addWidget(m_empty);
  m_layout->addStretch();
}

void JobPanel::addJob(const QString& key, const QString& label) {
  if (m_rows.contains(key)) return;
  auto* w = new QWidget(this);
  auto* h = new QHBoxLayout(w);
  h->setContentsMargins(0, 0, 0, 0);
  Row row{w, new QLabel(label, w), new QProgressBar(w), new QPushButton(tr("Cancel"), w)};
  row.label->setMinimumWidth(120);
  row.bar->setRange(0, 1000);
  row.bar->setValue(0);
  row.bar->setFormat(tr("queued"));
  row.bar->setTextVisible(true);
  row.cancel->setToolTip(tr("Stop this run; finished folds are discarded"));
  h->addWidget(row.label);
  h->addWidget(row.bar, 1);
  h->addWidget(row.cancel);
  m_layout->insertWidget(m_layout->count() - 1, w);
  connect(row.cancel, &QPushButton::clicked, this, [this, key] { Q_EMIT cancelRequested(key); });
  m_rows.insert(key, row);
  m_empty->hide();
}

void JobPanel::setProgress(const QString& key, double fraction, const QString& stage) {
  auto it = m_rows.find(key);
  if (it == m_rows.end()) return;
  if (std::isfinite(fraction)) it->bar->setValue(static_cast<int>(std::lround(fraction * 1000)));
  // QProgressBar's format treats % as a placeholder marker: escape it.
  QString text = stage;
  text.replace("%", "%%");
  it->bar->setFormat(text.isEmpty() ? QStringLiteral("%p%") : text + QStringLiteral(" (%p%)"));
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
  return it == m_rows.end() ? QString() : it->bar->format();
}

}  // namespace imbw
