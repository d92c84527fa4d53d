#pragma once

#include <QString>
#include <QWidget>

class QComboBox;
class QPushButton;

namespace imbw {

class AnalysisSession;

/// The project's weak-supervision studies in the weak dock: a list to pick one (shown again
/// from its stored results), Rename… and Delete. Both change the project like deleting or
/// renaming a run does: the window is marked modified and nothing is written until Save (so
/// closing without saving keeps the study; a deleted study's results leave the sidecar with
/// the next save).
class WeakStudyList : public QWidget {
  Q_OBJECT
 public:
  explicit WeakStudyList(AnalysisSession* session, QWidget* parent = nullptr);

  /// Fills the list from the project, `select` (an id) chosen, else the last study.
  void refresh(const QString& select = {});
  QString currentId() const;

  /// Renames a study of the project; false (and message()) for an empty name or one another
  /// study has.
  bool renameStudy(const QString& id, const QString& name);
  /// Drops a study and its results from the session; false when there is none with that id.
  bool removeStudy(const QString& id);

  QComboBox* box() const { return m_box; }
  QPushButton* renameButton() const { return m_rename; }
  QPushButton* deleteButton() const { return m_delete; }

 Q_SIGNALS:
  void chosen(const QString& id);
  void removed(const QString& id);
  void message(const QString& text);

 private:
  void askRename();
  void updateButtons();

  AnalysisSession* m_session;
  QComboBox* m_box;
  QPushButton* m_rename;
  QPushButton* m_delete;
};

}  // namespace imbw
