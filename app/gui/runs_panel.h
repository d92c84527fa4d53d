#pragma once

#include <QStringList>
#include <QWidget>

class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace imbw {

class AnalysisSession;
class JobPanel;
class RunRegistry;
class RunsTableModel;

/// The Runs dock: the job panel (progress, cancel) and the runs table (show box, name, status,
/// configuration, metrics) with Train / Use configuration / Duplicate / Rename / Delete and a
/// context menu. A row is derived from the project's run and the registry's live state
/// (updateRow); the panel writes only the runs' "shown" flag and asks the window for the rest.
class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  RunsPanel(AnalysisSession* session, RunRegistry* registry, QWidget* parent = nullptr);

  /// One row per project run, in the project's order (the registry holds them already).
  void reset();
  void addRow(const QString& id);
  /// Derives the row again from the run and its live state (and gives a drawing run a colour).
  void updateRow(const QString& id);
  void removeRow(const QString& id);
  /// The status text of a training run, without touching the rest of the row.
  void setLiveStatus(const QString& id, const QString& status);
  /// Sizes the metric columns to their contents (after a run finished).
  void fitMetricColumns();

  QStringList selectedRuns() const;
  void selectRuns(const QStringList& ids);
  /// Ticks "show" for exactly these runs.
  void setShownRuns(const QStringList& ids);

  JobPanel* jobPanel() const { return m_jobPanel; }
  RunsTableModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }

 Q_SIGNALS:
  void trainRequested(const QStringList& ids);
  void cancelRequested(const QString& id);
  void useConfigurationRequested(const QString& id);
  void duplicateRequested(const QStringList& ids);
  void deleteRequested(const QStringList& ids);
  void renameRequested(const QString& id, const QString& name);
  /// A run's "show" changed (the plots overlay other runs now).
  void shownChanged();
  /// The context menu of the selected runs is about to open: more actions may be added.
  void contextMenuRequested(QMenu* menu, const QStringList& ids);

 private:
  void showMenu(const QPoint& pos);
  void editCurrentName();

  AnalysisSession* m_session;
  RunRegistry* m_registry;
  JobPanel* m_jobPanel = nullptr;
  RunsTableModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
};

}  // namespace imbw
