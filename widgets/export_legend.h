#pragma once

#include <QColor>
#include <QList>
#include <QMargins>
#include <QSize>
#include <QString>
#include <utility>

class QChart;
class QGraphicsItem;

namespace imbw {

/// The legend of an exported chart: below the plot, one entry per line, long names wrapped at
/// word boundaries instead of cut (Qt Charts' own legend elides what does not fit). While it
/// lives, the chart's legend is hidden, the chart's bottom margin makes room and `size` (the
/// figure) grows by the legend's height, so the plot keeps the size asked for; the destructor
/// puts the window's layout back.
class ExportLegend {
 public:
  /// `entries`: legend text (HTML allowed) and colour, in legend order. `size`: the figure's
  /// size, enlarged here. Nothing happens when the chart's legend is hidden or `entries` is
  /// empty.
  ExportLegend(QChart* chart, const QList<std::pair<QString, QColor>>& entries, QSize& size);
  ~ExportLegend();
  ExportLegend(const ExportLegend&) = delete;
  ExportLegend& operator=(const ExportLegend&) = delete;

  bool active() const { return !m_items.isEmpty(); }
  /// Positions the entries under the laid-out chart (call after the chart's layout).
  void place();
  /// For a chart about to be destroyed: the destructor leaves the entries to the scene and
  /// puts nothing back.
  void release() { m_items.clear(); }

 private:
  struct Entry {
    QGraphicsItem* marker;
    QGraphicsItem* text;
    qreal height;
  };
  QChart* m_chart;
  QSize m_size;
  qreal m_height = 0;
  QMargins m_margins;
  QList<Entry> m_items;
};

}  // namespace imbw
