#include "widgets/runs_table_model.h"

#include <QBrush>
#include <algorithm>
#include <cmath>

namespace imbw {

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString RunsTableModel::formatMeanStd(const FoldStat& v) {
  if (!std::isfinite(v.mean)) return QString();
  if (!std::isfinite(v.std) || v.std <= 0) return QString::number(v.mean, 'g', 4);
  const int decimals = std::clamp(1 - static_cast<int>(std::floor(std::log10(v.std))), 0, 6);
  return QString("%1 ± %2").arg(v.mean, 0, 'f', decimals).arg(v.std, 0, 'f', decimals);
}

static const FoldStat* metricOf(const RunRow& r, int column) {
  switch (column) {
    case RunsTableModel::Ap:
      return &r.ap;
    case RunsTableModel::Auc:
      return &r.auc;
    case RunsTableModel::ApOverR:
      return &r.apOverR;
    case RunsTableModel::Rej20:
      return &r.rejection20;
    case RunsTableModel::Rej80:
      return &r.rejection80;
    case RunsTableModel::FitTime:
      return &r.fitTime;
    default:
      return nullptr;
  }
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size()) return {};
  const RunRow& r = m_rows[index.row()];
  if (role == KeyRole) return r.key;
  const FoldStat* metric = metricOf(r, index.column());
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    if (metric) return formatMeanStd(*metric);
    switch (index.column()) {
      case Name:
        return r.name;
      case Status:
        return r.status;
      case Config:
        return r.config;
      default:
        return {};
    }
  }
  if (role == SortRole) {
    if (metric) return std::isfinite(metric->mean) ? metric->mean : -1e300;
    return data(index, Qt::DisplayRole);
  }
  if (role == Qt::CheckStateRole && index.column() == Show)
    return r.shown ? Qt::Checked : Qt::Unchecked;
  if (role == SortRole && index.column() == Show) return r.shown ? 1 : 0;
  // No colour (a run that draws nothing): no swatch at all (a null QColor would draw black).
  if (role == Qt::DecorationRole && index.column() == Name)
    return r.color.isValid() ? QVariant(r.color) : QVariant();
  if (role == Qt::TextAlignmentRole && metric)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole) {
    if (index.column() == Config) return r.configDetail.isEmpty() ? r.config : r.configDetail;
    if (index.column() == Status) return r.status;
    if (metric) return tr("mean ± standard deviation over the folds");
  }
  if (role == Qt::ForegroundRole && index.column() == Status && r.status.startsWith("failed"))
    return QBrush(QColor(0xb0, 0x00, 0x20));
  return {};
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    static const char* names[] = {
        "Show", "Name", "Status",          "Configuration",   "AP",
        "AUC",  "AP/r", "1/ε_B @ ε_S=0.2", "1/ε_B @ ε_S=0.8", "t_fit [s]"};
    return tr(names[section]);
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case Show:
        return tr("Ticked runs are drawn in the plots (together, in their colours)");
      case Ap:
        return tr("Average precision (step-wise, weighted), held-out folds");
      case ApOverR:
        return tr("AP divided by the signal fraction r: the lift over a random classifier");
      case Rej20:
      case Rej80:
        return tr(
            "Background rejection at the given signal efficiency (linear interpolation "
            "on the ROC curve)");
      case FitTime:
        return tr("Fit time per fold in seconds");
      default:
        return {};
    }
  }
  return {};
}

Qt::ItemFlags RunsTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.column() == Name) f |= Qt::ItemIsEditable;
  if (index.column() == Show) f |= Qt::ItemIsUserCheckable;
  return f;
}

bool RunsTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role == Qt::CheckStateRole && index.column() == Show && index.row() < m_rows.size()) {
    const bool shown = value.toInt() == Qt::Checked;
    if (m_rows[index.row()].shown == shown) return true;
    m_rows[index.row()].shown = shown;
    Q_EMIT dataChanged(index, index);
    Q_EMIT shownToggled(m_rows[index.row()].key, shown);
    return true;
  }
  if (role != Qt::EditRole || index.column() != Name || index.row() >= m_rows.size()) return false;
  const QString name = value.toString().trimmed();
  if (name.isEmpty()) return false;
  m_rows[index.row()].name = name;
  Q_EMIT dataChanged(index, index);
  Q_EMIT runRenamed(m_rows[index.row()].key, name);
  return true;
}

void RunsTableModel::addRun(const RunRow& row) {
  const int n = static_cast<int>(m_rows.size());
  beginInsertRows({}, n, n);
  m_rows.push_back(row);
  endInsertRows();
}

void RunsTableModel::updateRun(const RunRow& row) {
  const int r = rowOf(row.key);
  if (r < 0) {
    addRun(row);
    return;
  }
  m_rows[r] = row;
  Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

void RunsTableModel::setStatus(const QString& key, const QString& status) {
  const int r = rowOf(key);
  if (r < 0) return;
  m_rows[r].status = status;
  Q_EMIT dataChanged(index(r, Status), index(r, Status));
}

void RunsTableModel::removeRun(const QString& key) {
  const int r = rowOf(key);
  if (r < 0) return;
  beginRemoveRows({}, r, r);
  m_rows.removeAt(r);
  endRemoveRows();
}

void RunsTableModel::clear() {
  beginResetModel();
  m_rows.clear();
  endResetModel();
}

int RunsTableModel::rowOf(const QString& key) const {
  for (int i = 0; i < m_rows.size(); ++i)
    if (m_rows[i].key == key) return i;
  return -1;
}

const RunRow* RunsTableModel::run(const QString& key) const {
  const int r = rowOf(key);
  return r < 0 ? nullptr : &m_rows[r];
}

}  // namespace imbw
