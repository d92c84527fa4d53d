#pragma once

#include <QList>
#include <QString>
#include <QTableWidget>

namespace imbw {

/// One class's yields before and after the cut.
struct ClassYields {
  QString className;
  bool signal = false;
  qint64 eventsBefore = 0;
  double sumWBefore = 0.0;
  double sumW2Before = 0.0;
  qint64 eventsAfter = 0;
  double sumWAfter = 0.0;
  double sumW2After = 0.0;
};

/// The signal fraction r, by count and by weight.
struct ImbalanceRatio {
  double byCount = 0.0;
  double byWeight = 0.0;
};

/// Per-class event counts and Σw ± √Σw² before and after the cut, the cut efficiency, and the
/// imbalance ratio r in a last row.
class YieldsTable : public QTableWidget {
  Q_OBJECT
 public:
  explicit YieldsTable(QWidget* parent = nullptr);
  void setYields(const QList<ClassYields>& rows, ImbalanceRatio before, ImbalanceRatio after);
  /// Greys the numbers out while a recomputation is running.
  void setStale(bool stale);
  /// The text of a cell (tests, screenshots).
  QString cellText(int row, int column) const;
};

}  // namespace imbw
