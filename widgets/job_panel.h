#pragma once

#include <QHash>
#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace imbw {

/// The running and queued jobs: for each its name, a progress bar, a Cancel button and, below
/// the bar, the stage it is in.
class JobPanel : public QWidget {
  Q_OBJECT
 public:
  explicit JobPanel(QWidget* parent = nullptr);
  /// A row for `key` (nothing when it has one); `cancelToolTip` empty: a training run's.
  void addJob(const QString& key, const QString& label, const QString& cancelToolTip = {});
  /// fraction in [0, 1]; stage e.g. "fold 2/5: boosting round 340".
  void setProgress(const QString& key, double fraction, const QString& stage);
  void removeJob(const QString& key);
  int jobCount() const { return static_cast<int>(m_rows.size()); }
  bool hasJob(const QString& key) const { return m_rows.contains(key); }
  QPushButton* cancelButton(const QString& key) const;
  /// The stage line's text ("queued" until the first progress).
  QString stageText(const QString& key) const;
  /// The stage line (tests check it is shown whole).
  QLabel* stageLabel(const QString& key) const;

 Q_SIGNALS:
  void cancelRequested(const QString& key);

 private:
  struct Row {
    QWidget* widget;
    QLabel* label;
    QProgressBar* bar;
    QPushButton* cancel;
    QLabel* stage;
  };
  QHash<QString, Row> m_rows;
  QScrollArea* m_scroll;
  QVBoxLayout* m_layout;
  QLabel* m_empty;
};

}  // namespace imbw
