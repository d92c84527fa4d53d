#include "widgets/export_legend.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QPen>
#include <algorithm>

namespace imbw {

namespace {
constexpr qreal kMarker = 10.0;  // the coloured square
constexpr qreal kGap = 6.0;      // between square and text
constexpr qreal kSpacing = 2.0;  // between entries
constexpr qreal kIndent = 40.0;  // from the figure's left edge (under the axis labels)
}  // namespace

ExportLegend::ExportLegend(QChart* chart, const QList<std::pair<QString, QColor>>& entries,
                           QSize& size)
    : m_chart(chart) {
  QLegend* legend = chart->legend();
  if (!legend->isVisible() || !chart->scene()) return;
  const qreal textWidth = std::max<qreal>(100.0, size.width() - kIndent - kMarker - kGap - 16.0);
  for (const auto& [name, color] : entries) {
    auto* text = new QGraphicsTextItem;
    text->setFont(legend->font());
    text->setDefaultTextColor(legend->labelColor());
    text->setTextWidth(textWidth);  // wraps at word boundaries, never elides
    text->setHtml(name);
    auto* marker = new QGraphicsRectItem(0, 0, kMarker, kMarker);
    marker->setBrush(color);
    marker->setPen(QPen(Qt::black, 0.5));
    chart->scene()->addItem(text);
    chart->scene()->addItem(marker);
    const qreal h = text->boundingRect().height();
    m_items << Entry{marker, text, h};
    m_height += h + kSpacing;
  }
  if (m_items.isEmpty()) return;
  m_height += 8.0;
  const int extra = static_cast<int>(std::ceil(m_height));
  size.setHeight(size.height() + extra);
  m_size = size;
  m_margins = chart->margins();
  legend->hide();
  chart->setMargins(
      QMargins(m_margins.left(), m_margins.top(), m_margins.right(), m_margins.bottom() + extra));
}

void ExportLegend::place() {
  qreal y = m_size.height() - m_height;
  for (const Entry& e : std::as_const(m_items)) {
    e.text->setPos(kIndent + kMarker + kGap, y);
    const qreal firstLine = std::min<qreal>(e.height, 2.0 * kMarker + 4.0);
    e.marker->setPos(kIndent, y + (firstLine - kMarker) / 2.0);
    y += e.height + kSpacing;
  }
}

ExportLegend::~ExportLegend() {
  if (m_items.isEmpty()) return;
  for (const Entry& e : std::as_const(m_items)) {
    delete e.text;
    delete e.marker;
  }
  m_chart->setMargins(m_margins);
  m_chart->legend()->show();
  if (m_chart->layout()) m_chart->layout()->activate();
}

}  // namespace imbw
