// The Runs dock: job panel and runs table.
#include "app/gui/runs_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "app/gui/run_registry.h"
#include "app/gui/training_job.h"
#include "widgets/job_panel.h"
#include "widgets/runs_table_model.h"

namespace imbw {

namespace {

FoldStat stat(const ProjectRun& r, const char* key) {
  const auto it = r.aggregate.find(key);
  if (it == r.aggregate.end() || it->second.n == 0) return {};
  return FoldStat{it->second.mean, it->second.std};
}

}  // namespace

RunsPanel::RunsPanel(AnalysisSession* session, RunRegistry* registry, QWidget* parent)
    : QWidget(parent), m_session(session), m_registry(registry) {
  auto* layout = new QHBoxLayout(this);
  m_jobPanel = new JobPanel(this);
  m_jobPanel->setMinimumWidth(330);
  layout->addWidget(m_jobPanel);
  auto* right = new QVBoxLayout;
  m_model = new RunsTableModel(this);
  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(RunsTableModel::SortRole);
  m_view = new QTableView(this);
  m_view->setModel(m_proxy);
  m_view->setSortingEnabled(true);
  // Until a header is clicked the rows keep the project's order (the order the runs were made
  // in); a sort by the Show box put a newly trained run below every configured one.
  m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setContextMenuPolicy(Qt::CustomContextMenu);
  // Fixed widths sized once per finished run (ResizeToContents would measure every cell on
  // each progress update); the configuration takes what is left, elided on one line (its
  // tooltip has all of it), so the metric columns always stay in view.
  QHeaderView* header = m_view->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setSectionResizeMode(RunsTableModel::Config, QHeaderView::Stretch);
  header->setStretchLastSection(false);
  m_view->setWordWrap(false);
  m_view->setTextElideMode(Qt::ElideRight);
  m_view->setColumnWidth(RunsTableModel::Show, header->sectionSizeHint(RunsTableModel::Show));
  m_view->setColumnWidth(RunsTableModel::Name, 190);
  m_view->setColumnWidth(RunsTableModel::Status, 210);  // "running on cluster (1 of 2 tasks done)"
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_view->setColumnWidth(c, std::max(header->sectionSizeHint(c), 90));
  m_view->verticalHeader()->hide();
  m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
  m_view->setToolTip(
      tr("Tick “Show” to draw a run in the plots; double-click a name to rename it; "
         "right-click for train, duplicate, delete"));
  right->addWidget(m_view, 1);
  auto* buttons = new QHBoxLayout;
  auto* train = new QPushButton(tr("Train"), this);
  train->setToolTip(
      tr("Train the selected runs in place, each with its own configuration, features and cut"));
  auto* use = new QPushButton(tr("Use configuration"), this);
  use->setToolTip(tr("Load the selected run's settings back into the panels"));
  auto* duplicate = new QPushButton(tr("Duplicate"), this);
  duplicate->setToolTip(tr("A copy of the selected run's configuration, not trained"));
  auto* rename = new QPushButton(tr("Rename"), this);
  auto* del = new QPushButton(tr("Delete"), this);
  for (QPushButton* b : {train, use, duplicate, rename, del}) buttons->addWidget(b);
  buttons->addStretch();
  right->addLayout(buttons);
  layout->addLayout(right, 1);
  connect(m_jobPanel, &JobPanel::cancelRequested, this, &RunsPanel::cancelRequested);
  connect(train, &QPushButton::clicked, this, [this] { Q_EMIT trainRequested(selectedRuns()); });
  connect(use, &QPushButton::clicked, this, [this] {
    if (const QStringList ids = selectedRuns(); !ids.isEmpty())
      Q_EMIT useConfigurationRequested(ids.first());
  });
  connect(duplicate, &QPushButton::clicked, this,
          [this] { Q_EMIT duplicateRequested(selectedRuns()); });
  connect(del, &QPushButton::clicked, this, [this] { Q_EMIT deleteRequested(selectedRuns()); });
  connect(rename, &QPushButton::clicked, this, &RunsPanel::editCurrentName);
  connect(m_view, &QWidget::customContextMenuRequested, this, &RunsPanel::showMenu);
  connect(m_model, &RunsTableModel::runRenamed, this, &RunsPanel::renameRequested);
  connect(m_model, &RunsTableModel::shownToggled, this, [this](const QString& id, bool shown) {
    ProjectRun* r = m_session->project().findRun(ss(id));
    if (!r) return;
    r->shown = shown;
    updateRow(id);
    m_session->edited();
    Q_EMIT shownChanged();
  });
}

void RunsPanel::editCurrentName() {
  const QModelIndex idx = m_view->currentIndex();
  if (idx.isValid()) m_view->edit(m_proxy->index(idx.row(), RunsTableModel::Name));
}

void RunsPanel::showMenu(const QPoint& pos) {
  const QStringList ids = selectedRuns();
  if (ids.isEmpty()) return;
  QMenu menu(this);
  menu.addAction(tr("Train"), this, [this, ids] { Q_EMIT trainRequested(ids); });
  menu.addAction(tr("Cancel"), this, [this, ids] {
    for (const QString& id : ids) Q_EMIT cancelRequested(id);
  });
  menu.addAction(tr("Duplicate"), this, [this, ids] { Q_EMIT duplicateRequested(ids); });
  menu.addAction(tr("Rename"), this, &RunsPanel::editCurrentName);
  menu.addAction(tr("Show only these"), this, [this, ids] { setShownRuns(ids); });
  Q_EMIT contextMenuRequested(&menu, ids);
  menu.addSeparator();
  menu.addAction(tr("Delete"), this, [this, ids] { Q_EMIT deleteRequested(ids); });
  menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void RunsPanel::setShownRuns(const QStringList& ids) {
  for (ProjectRun& r : m_session->project().runs) {
    r.shown = ids.contains(qs(r.id));
    updateRow(qs(r.id));
  }
  m_session->edited();
  Q_EMIT shownChanged();
}

void RunsPanel::reset() {
  m_model->clear();
  for (const ProjectRun& r : m_session->project().runs) addRow(qs(r.id));
  fitMetricColumns();  // a reopened project's metrics ("0.072 ± 0.034") are not cut off
}

void RunsPanel::addRow(const QString& id) {
  RunRow row;
  row.key = id;
  m_model->addRun(row);
  updateRow(id);  // colours come when a run draws
}

void RunsPanel::removeRow(const QString& id) {
  m_model->removeRun(id);
}

void RunsPanel::setLiveStatus(const QString& id, const QString& status) {
  m_model->setStatus(id, status);
}

void RunsPanel::fitMetricColumns() {
  for (int c = RunsTableModel::Ap; c < RunsTableModel::ColumnCount; ++c)
    m_view->resizeColumnToContents(c);
}

void RunsPanel::updateRow(const QString& id) {
  const ProjectRun* r = m_session->project().findRun(ss(id));
  RunEntry* e = m_registry->find(id);
  if (!r || !e) return;
  // Only shown runs that draw something (training, or with results) take a colour, and the
  // table shows it only for them: the swatch is the plots' legend, and the palette is not
  // spent on configured or hidden runs.
  const auto draws = [](const RunEntry* x) { return x && (x->hasPlot || x->active()); };
  if (draws(e) && r->shown) {
    QStringList drawn;
    for (const ProjectRun& p : m_session->project().runs) {
      const RunEntry* other = m_registry->find(qs(p.id));
      if (p.shown && p.id != r->id && draws(other) && other->colored) drawn << qs(p.id);
    }
    m_registry->assignColor(id, drawn);
  }
  RunRow row;
  row.key = id;
  row.name = qs(r->name());
  row.config = runSummary(r->config);
  row.configDetail =
      runDetails(r->config) + "\n" + tr("Cut: %1").arg(r->cut.empty() ? tr("none") : qs(r->cut));
  row.color = r->shown && e->colored ? e->plot.color : QColor();
  row.shown = r->shown;
  switch (e->live) {
    case RunEntry::Live::Queued:
      row.status = tr("queued");
      break;
    case RunEntry::Live::Training:
      row.status = tr("training %1 % — %2").arg(static_cast<int>(e->fraction * 100)).arg(e->stage);
      break;
    case RunEntry::Live::Cancelling:
      row.status = tr("cancelling…");
      break;
    case RunEntry::Live::Idle:
      switch (r->status) {
        case RunStatus::Configured:
          row.status = tr("not trained");
          break;
        case RunStatus::Done:
          row.status = tr("done");
          break;
        case RunStatus::Cancelled:
          row.status = tr("cancelled");
          break;
        case RunStatus::Failed:
          row.status = tr("failed: %1").arg(qs(r->message));
          break;
      }
  }
  // Submitted to a cluster (ClusterMonitor): its state there, while nothing runs here.
  if (e->live == RunEntry::Live::Idle && !e->cluster.isEmpty()) row.status = e->cluster;
  if (r->status == RunStatus::Done || r->status == RunStatus::Cancelled) {
    row.ap = stat(*r, "ap");
    row.auc = stat(*r, "auc");
    row.apOverR = stat(*r, "ap_over_r");
    row.rejection20 = stat(*r, "rejection_at_eff_s_0.2");
    row.rejection80 = stat(*r, "rejection_at_eff_s_0.8");
    row.fitTime = stat(*r, "fit_seconds");
  }
  e->plot.label = row.name;
  m_model->updateRun(row);
}

QStringList RunsPanel::selectedRuns() const {
  QStringList keys;
  for (const QModelIndex& idx : m_view->selectionModel()->selectedRows())
    keys << idx.data(RunsTableModel::KeyRole).toString();
  return keys;
}

void RunsPanel::selectRuns(const QStringList& keys) {
  QItemSelection sel;
  for (const QString& key : keys) {
    const int r = m_model->rowOf(key);
    if (r < 0) continue;
    const QModelIndex a = m_proxy->mapFromSource(m_model->index(r, 0));
    const QModelIndex b =
        m_proxy->mapFromSource(m_model->index(r, RunsTableModel::ColumnCount - 1));
    sel.select(a, b);
  }
  m_view->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
  if (sel.isEmpty()) return;
  // A new run is seen at once: scrolled to now, and again once the view has laid the new row
  // out (a row added in the same pass has no height yet, and the scroll stopped half a row
  // short of it).
  m_view->scrollTo(sel.first().topLeft());
  QMetaObject::invokeMethod(
      m_view,
      [view = m_view, at = QPersistentModelIndex(sel.first().topLeft())] {
        if (at.isValid()) view->scrollTo(at);
      },
      Qt::QueuedConnection);
}

}  // namespace imbw
