#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>
#include <QList>
#include <QString>
#include <limits>

namespace imbw {

/// Mean ± standard deviation over folds.
struct FoldStat {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double std = std::numeric_limits<double>::quiet_NaN();
};

/// One row of the runs table.
struct RunRow {
  QString key;           ///< stable id
  QString name;          ///< user-editable
  QString config;        ///< one-line configuration summary
  QString configDetail;  ///< the full configuration (tooltip); empty: the summary
  QString status;  ///< "queued", "training 40 % (fold 2/5)", "done", "cancelled", "failed: …"
  QColor color;
  bool shown = true;  ///< drawn in the plots
  FoldStat ap, auc, apOverR, rejection20, rejection80, fitTime;
};

/// The runs table: one row per run, a "show" check box deciding whether the plots draw it,
/// metrics as mean ± std, sortable by the numbers (the sort role is the mean), the name
/// editable in place.
class RunsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Show, Name, Status, Config, Ap, Auc, ApOverR, Rej20, Rej80, FitTime, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int KeyRole = Qt::UserRole + 2;

  explicit RunsTableModel(QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;

  void addRun(const RunRow& row);
  /// Replaces the row with the same key.
  void updateRun(const RunRow& row);
  void setStatus(const QString& key, const QString& status);
  void removeRun(const QString& key);
  void clear();
  int rowOf(const QString& key) const;
  const RunRow* run(const QString& key) const;
  QList<RunRow> runs() const { return m_rows; }

  /// "0.241 ± 0.005": the std with two significant digits, the mean to the same decimals.
  static QString formatMeanStd(const FoldStat& v);

 Q_SIGNALS:
  void runRenamed(const QString& key, const QString& name);
  void shownToggled(const QString& key, bool shown);

 private:
  QList<RunRow> m_rows;
};

}  // namespace imbw
