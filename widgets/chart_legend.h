#pragma once

#include <QColor>
#include <QList>
#include <QScrollArea>
#include <QString>

class QGridLayout;
class QLabel;

namespace imbw {

/// One entry of a chart's legend: its text (HTML allowed, e.g. sub- and superscripts), colour
/// and line style.
struct LegendEntry {
  QString text;
  QColor color;
  Qt::PenStyle pen = Qt::SolidLine;
  bool scatter = false;
  bool operator==(const LegendEntry&) const = default;
};

/// The on-screen legend of a ChartView whose names do not fit beside the plot (Qt Charts' own
/// legend elides what does not fit): below the plot, per entry a swatch in the curve's colour
/// and line style and the full text, in as many columns as the widest entry leaves room for,
/// long texts wrapped at word boundaries, never cut. Past `maximumLegendHeight` it scrolls, so
/// the plot keeps most of the height however many runs are shown.
class ChartLegend : public QScrollArea {
  Q_OBJECT
 public:
  explicit ChartLegend(QWidget* parent = nullptr);
  void setEntries(const QList<LegendEntry>& entries);
  const QList<LegendEntry>& entries() const { return m_entries; }
  /// The entries' text labels, in legend order (what a test reads and grabs).
  QList<QLabel*> textLabels() const;
  int columns() const { return m_columns; }
  void setMaximumLegendHeight(int height);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void relayout();

  QWidget* m_content;
  QGridLayout* m_grid;
  QList<LegendEntry> m_entries;
  QList<QLabel*> m_swatches, m_texts;
  int m_columns = 0;
  int m_laidOutWidth = -1;
  int m_maxHeight = 160;
};

/// The width in pixels that `text` (HTML allowed) takes in one line in `font`.
int legendTextWidth(const QString& text, const QFont& font);

}  // namespace imbw
