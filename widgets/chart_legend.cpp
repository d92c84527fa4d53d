#include "widgets/chart_legend.h"

#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTextDocument>
#include <algorithm>
#include <cmath>

namespace imbw {

namespace {
constexpr int kSwatchWidth = 22;
constexpr int kSwatchHeight = 12;
constexpr int kColumnGap = 14;
constexpr int kMaxColumns = 4;

QPixmap swatch(const LegendEntry& e, qreal dpr) {
  QPixmap p(QSize(kSwatchWidth, kSwatchHeight) * dpr);
  p.setDevicePixelRatio(dpr);
  p.fill(Qt::transparent);
  QPainter painter(&p);
  painter.setRenderHint(QPainter::Antialiasing);
  if (e.scatter) {
    painter.setBrush(e.color);
    painter.setPen(QPen(e.color.darker(150), 1.0));
    painter.drawEllipse(QRectF(kSwatchWidth / 2.0 - 4.5, kSwatchHeight / 2.0 - 4.5, 9, 9));
  } else {
    QPen pen(e.color, 3.0);
    pen.setStyle(e.pen);
    pen.setCapStyle(Qt::FlatCap);
    painter.setPen(pen);
    painter.drawLine(QPointF(1, kSwatchHeight / 2.0),
                     QPointF(kSwatchWidth - 1, kSwatchHeight / 2.0));
  }
  return p;
}
}  // namespace

int legendTextWidth(const QString& text, const QFont& font) {
  QTextDocument doc;
  doc.setDefaultFont(font);
  doc.setDocumentMargin(0);
  doc.setHtml(text);
  return static_cast<int>(std::ceil(doc.idealWidth()));
}

ChartLegend::ChartLegend(QWidget* parent)
    : QScrollArea(parent), m_content(new QWidget), m_grid(new QGridLayout(m_content)) {
  setObjectName("chartLegend");
  setFrameShape(QFrame::NoFrame);
  setWidgetResizable(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  m_grid->setContentsMargins(40, 2, 6, 4);  // indented under the plot, past the axis labels
  m_grid->setHorizontalSpacing(4);
  m_grid->setVerticalSpacing(1);
  m_content->setBackgroundRole(QPalette::Base);
  m_content->setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);
  setWidget(m_content);
}

QList<QLabel*> ChartLegend::textLabels() const {
  return m_texts.mid(0, m_entries.size());
}

void ChartLegend::setMaximumLegendHeight(int height) {
  if (height == m_maxHeight) return;
  m_maxHeight = height;
  m_laidOutWidth = -1;
  relayout();
}

void ChartLegend::setEntries(const QList<LegendEntry>& entries) {
  if (entries == m_entries) return;
  m_entries = entries;
  while (m_texts.size() < m_entries.size()) {
    auto* s = new QLabel(m_content);
    auto* t = new QLabel(m_content);
    t->setTextFormat(Qt::RichText);
    t->setWordWrap(true);  // a name longer than the column wraps at word boundaries
    t->setTextInteractionFlags(Qt::TextSelectableByMouse);
    t->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    s->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    s->setContentsMargins(0, 3, 0, 0);
    m_swatches << s;
    m_texts << t;
  }
  const qreal dpr = devicePixelRatioF();
  for (qsizetype i = 0; i < m_texts.size(); ++i) {
    const bool used = i < m_entries.size();
    m_swatches[i]->setVisible(used);
    m_texts[i]->setVisible(used);
    if (!used) continue;
    m_swatches[i]->setPixmap(swatch(m_entries[i], dpr));
    m_texts[i]->setText(m_entries[i].text);
  }
  m_laidOutWidth = -1;  // a longer text may need fewer columns
  relayout();
}

void ChartLegend::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  if (event->size().width() != m_laidOutWidth) relayout();
}

void ChartLegend::relayout() {
  const int full = width();
  if (full <= 0 || m_entries.isEmpty()) return;
  m_laidOutWidth = full;
  int widest = 0;
  for (const LegendEntry& e : std::as_const(m_entries))
    widest = std::max(widest, legendTextWidth(e.text, font()));
  const QMargins m = m_grid->contentsMargins();
  const int room = full - m.left() - m.right();
  const int entryWidth = kSwatchWidth + m_grid->horizontalSpacing() + widest + kColumnGap;
  const int columns = std::clamp(room / std::max(1, entryWidth), 1,
                                 std::min<int>(kMaxColumns, static_cast<int>(m_entries.size())));
  for (QLabel* l : std::as_const(m_swatches)) m_grid->removeWidget(l);
  for (QLabel* l : std::as_const(m_texts)) m_grid->removeWidget(l);
  for (int c = 0; c < m_grid->columnCount(); ++c) m_grid->setColumnStretch(c, 0);
  m_columns = columns;
  const int rows = static_cast<int>((m_entries.size() + columns - 1) / columns);
  // Column-major: the entries read down, then across, in the legend's order.
  for (qsizetype i = 0; i < m_entries.size(); ++i) {
    const int row = static_cast<int>(i) % rows, col = static_cast<int>(i) / rows;
    m_grid->addWidget(m_swatches[i], row, 2 * col, Qt::AlignTop);
    m_grid->addWidget(m_texts[i], row, 2 * col + 1);
    m_grid->setColumnStretch(2 * col + 1, 1);
  }
  // The labels wrap to their column's width; the legend is as high as the wrapped text (up to
  // the cap, then it scrolls).
  const int height = m_grid->totalHeightForWidth(full);
  setFixedHeight(std::min(height, std::max(m_maxHeight, 3 * kSwatchHeight)) + 2 * frameWidth());
}

}  // namespace imbw
