#pragma once

#include <QHash>
#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace imbw {

/// The running and queued jobs: one line each with its name, a progress bar showing the stage,
/// and a Cancel button.
class JobPanel : public QWidget {
  Q_OBJECT
 public:
  explicit JobPanel(QWidget* parent = nullptr);
  void addJob(const QString& key, const QString& label);
  /// fraction in [0, 1]; stage e.g. "fold 2/5: boosting round 340".
  void setProgress(const QString& key, double fraction, const QString& stage);
  void removeJob(const QString& key);
  int jobCount() const { return static_cast<int>(m_rows.size()); }
  bool hasJob(const QString& key) const { return m_rows.contains(key); }
  QPushButton* cancelButton(const QString& key) const;
  QString stageText(const QString& key) const;

 Q_SIGNALS:
  void cancelRequested(const QString& key);

 private:
  struct Row {
    QWidget* widget;
    QLabel* label;
    QProgressBar* bar;
    QPushButton* cancel;
  };
  QHash<QString, Row> m_rows;
  QVBoxLayout* m_layout;
  QLabel* m_empty;
};

}  // namespace imbw
