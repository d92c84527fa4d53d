#pragma once

#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

class QLabel;

namespace imbw {

class AnalysisSession;
class CutEditor;
class JobRunner;
class YieldsTable;

/// The Cuts dock: the cut expression (checked as it is typed against the loaded columns) and
/// the yields per class before and after it, computed on the short-job pool 150 ms after the
/// typing stops. It writes only the project's cut, and the session's selection (the events the
/// cut keeps, with the yields) when the yields of the cut on screen arrive.
class CutPanel : public QWidget {
  Q_OBJECT
 public:
  CutPanel(AnalysisSession* session, JobRunner* jobs, QWidget* parent = nullptr);

  /// A new project: its cut, no yields until its events load.
  void showProject();
  /// Its events loaded: the cut is checked against these columns, and the yields computed.
  void eventsLoaded(const std::vector<std::string>& columns);
  /// Computes the yields of the cut on screen now (e.g. the signal class changed).
  void computeYields();

  bool isValid() const;
  QString errorText() const;
  /// The cut as typed, trimmed.
  QString cutText() const;
  /// The yields of the cut on screen are not in the session's selection yet.
  bool yieldsPending() const;

  CutEditor* editor() const { return m_editor; }
  YieldsTable* yieldsTable() const { return m_yields; }

 Q_SIGNALS:
  /// The session's selection holds the yields of the cut on screen.
  void yieldsUpdated();

 private:
  AnalysisSession* m_session;
  JobRunner* m_jobs;
  CutEditor* m_editor = nullptr;
  YieldsTable* m_yields = nullptr;
  QLabel* m_message = nullptr;
  QTimer m_debounce;
  int m_generation = 0;
  /// Set when a newer cut starts: the running computation of this one stops.
  std::shared_ptr<std::atomic<bool>> m_stop;
};

}  // namespace imbw
