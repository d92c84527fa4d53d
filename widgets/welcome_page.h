#pragma once

#include <QStringList>
#include <QWidget>

class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace imbw {

/// What the window shows when no file is open: open the bundled example, open a file, the
/// recent projects (given by the window; files that no longer exist are shown greyed out and
/// cannot be opened), and a short "first analysis in five steps" guide.
class WelcomePage : public QWidget {
  Q_OBJECT
 public:
  explicit WelcomePage(QWidget* parent = nullptr);

  /// Most recent first. Replaces the list.
  void setRecentProjects(const QStringList& paths);
  QStringList recentProjects() const { return m_recent; }
  /// False when the example is not installed: its button is disabled and says so.
  void setExampleAvailable(bool available);

 Q_SIGNALS:
  void openExample();
  void openRecent(const QString& path);
  void openFile();

 private:
  void activate(QListWidgetItem* item);

  QStringList m_recent;
  QListWidget* m_list;
  QPushButton* m_example;
};

}  // namespace imbw
