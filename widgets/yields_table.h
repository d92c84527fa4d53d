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

/// One class after a controlled imbalance's draw and the cut: what a run trains on.
struct DrawnYields {
  qint64 events = 0;
  double sumW = 0.0;
  double sumW2 = 0.0;
};

/// The signal fraction r, by count and by weight.
struct ImbalanceRatio {
  double byCount = 0.0;
  double byWeight = 0.0;
};

/// Per-class event counts and Σw ± √Σw² before and after the cut, the cut efficiency, and the
/// imbalance ratio r in a last row; with a controlled imbalance (setDrawn), two more columns:
/// the events and Σw kept by the draw and the cut, and r then.
class YieldsTable : public QTableWidget {
  Q_OBJECT
 public:
  explicit YieldsTable(QWidget* parent = nullptr);
  void setYields(const QList<ClassYields>& rows, ImbalanceRatio before, ImbalanceRatio after);
  /// The draw's columns (one entry per class, in setYields' order); hidden when `rows` is empty.
  void setDrawn(const QList<DrawnYields>& rows, ImbalanceRatio drawn);
  bool showsDrawn() const;
  /// Greys the numbers out while a recomputation is running.
  void setStale(bool stale);
  /// The text of a cell (tests, screenshots).
  QString cellText(int row, int column) const;
};

}  // namespace imbw
