#include "widgets/yields_table.h"

#include <QHeaderView>
#include <QScrollBar>
#include <algorithm>
#include <cmath>

#include "widgets/runs_table_model.h"

namespace imbw {

YieldsTable::YieldsTable(QWidget* parent) : QTableWidget(parent) {
  setColumnCount(7);
  setHorizontalHeaderLabels({tr("Events\n(all)"), tr("Σw ± √Σw²\n(all)"), tr("Events\n(cut)"),
                             tr("Σw ± √Σw²\n(cut)"), tr("Efficiency\n(Σw)"),
                             tr("Events\n(drawn, cut)"), tr("Σw ± √Σw²\n(drawn, cut)")});
  horizontalHeaderItem(5)->setToolTip(
      tr("The controlled imbalance's draw, then the cut: the events a new run trains on"));
  horizontalHeaderItem(6)->setToolTip(horizontalHeaderItem(5)->toolTip());
  setColumnHidden(5, true);
  setColumnHidden(6, true);
  horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionMode(QAbstractItemView::NoSelection);
  setToolTip(tr("Per-class yields before and after the cut; r is the signal fraction"));
}

// Rounded as the runs table rounds mean ± std: two significant digits of the uncertainty, the
// yield to the same decimal place ("50000 ± 224", "12.84 ± 0.26"; never "2.2e+02").
static QString weightText(double w, double w2) {
  return RunsTableModel::formatMeanStd({w, std::sqrt(std::max(0.0, w2))});
}

void YieldsTable::setYields(const QList<ClassYields>& rows, ImbalanceRatio before,
                            ImbalanceRatio after) {
  setRowCount(static_cast<int>(rows.size()) + 2);
  QStringList labels;
  auto put = [this](int r, int c, const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setItem(r, c, item);
  };
  for (int i = 0; i < rows.size(); ++i) {
    const ClassYields& y = rows[i];
    labels << (y.signal ? tr("%1 (signal)").arg(y.className) : y.className);
    put(i, 0, QString::number(y.eventsBefore));
    put(i, 1, weightText(y.sumWBefore, y.sumW2Before));
    put(i, 2, QString::number(y.eventsAfter));
    put(i, 3, weightText(y.sumWAfter, y.sumW2After));
    put(i, 4,
        y.sumWBefore != 0.0 ? QString::number(y.sumWAfter / y.sumWBefore, 'f', 4) : QString("–"));
  }
  const int rc = static_cast<int>(rows.size());
  labels << tr("r by count") << tr("r by weight");
  put(rc, 0, QString::number(before.byCount, 'f', 4));
  put(rc, 1, QString());
  put(rc, 2, QString::number(after.byCount, 'f', 4));
  put(rc, 3, QString());
  put(rc, 4, QString());
  put(rc + 1, 0, QString());
  put(rc + 1, 1, QString::number(before.byWeight, 'f', 4));
  put(rc + 1, 2, QString());
  put(rc + 1, 3, QString::number(after.byWeight, 'f', 4));
  put(rc + 1, 4, QString());
  setVerticalHeaderLabels(labels);
  setStale(false);
  // A dock layout must not squeeze the table below its rows (r included), up to ten of them:
  // the numbers are the point of the panel.
  resizeRowsToContents();
  int rowsHeight = 0;
  for (int r = 0; r < std::min(rowCount(), 10); ++r) rowsHeight += rowHeight(r);
  setMinimumHeight(horizontalHeader()->sizeHint().height() + rowsHeight +
                   horizontalScrollBar()->sizeHint().height() + 2 * frameWidth());
}

void YieldsTable::setDrawn(const QList<DrawnYields>& rows, ImbalanceRatio drawn) {
  const int classes = rowCount() - 2;
  const bool show = !rows.isEmpty() && rows.size() == classes;
  setColumnHidden(5, !show);
  setColumnHidden(6, !show);
  auto put = [this](int r, int c, const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    setItem(r, c, item);
  };
  for (int i = 0; i < std::max(0, classes); ++i) {
    put(i, 5, show ? QString::number(rows[i].events) : QString());
    put(i, 6, show ? weightText(rows[i].sumW, rows[i].sumW2) : QString());
  }
  if (classes < 0) return;
  put(classes, 5, show ? QString::number(drawn.byCount, 'f', 4) : QString());
  put(classes, 6, QString());
  put(classes + 1, 5, QString());
  put(classes + 1, 6, show ? QString::number(drawn.byWeight, 'f', 4) : QString());
}

bool YieldsTable::showsDrawn() const {
  return !isColumnHidden(5);
}

void YieldsTable::setStale(bool stale) {
  for (int r = 0; r < rowCount(); ++r)
    for (int c = 0; c < columnCount(); ++c)
      if (auto* it = item(r, c)) it->setForeground(stale ? QBrush(Qt::gray) : QBrush());
}

QString YieldsTable::cellText(int row, int column) const {
  const QTableWidgetItem* it = item(row, column);
  return it ? it->text() : QString();
}

}  // namespace imbw
