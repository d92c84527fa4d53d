#include "widgets/mass_window_histogram.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace imbw {

namespace {

constexpr double kGrab = 6.0;  // pixels around an edge that grab it

// 1, 2, 5 × 10^k steps for about `ticks` ticks over the span.
double niceStep(double span, int ticks) {
  const double raw = span / std::max(ticks, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10.0 * mag;
}

// "10³", "10⁻²": a decade label with a superscript exponent.
QString decade(int d) {
  static const char16_t* digits = u"⁰¹²³⁴⁵⁶⁷⁸⁹";
  QString e = QString::number(std::abs(d));
  QString out = QStringLiteral("10");
  if (d < 0) out += QChar(u'⁻');
  for (QChar c : e) out += QChar(digits[c.digitValue()]);
  return out;
}

}  // namespace

MassWindowHistogram::MassWindowHistogram(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAccessibleName(tr("Signal window on the resonance histogram"));
  setToolTip(
      tr("Drag an edge of the window, or inside it to move it whole.\nKeyboard: Up/Down "
         "choose the lower/upper edge, Left/Right move it (Shift: faster),\nCtrl+Left/Right "
         "move the whole window."));
}

void MassWindowHistogram::setHistogram(const QList<double>& edges, const QList<double>& counts) {
  if (edges.size() != counts.size() + 1) return;
  m_edges = edges;
  m_counts = counts;
  update();  // the window stays as set, also where it reaches beyond the histogram
}

void MassWindowHistogram::setAxisTitle(const QString& title) {
  m_title = title;
  update();
}

void MassWindowHistogram::setWindow(double lo, double hi) {
  if (!(hi > lo) || (lo == m_lo && hi == m_hi)) return;
  m_lo = lo;
  m_hi = hi;
  update();
  Q_EMIT windowChanged(m_lo, m_hi);
}

void MassWindowHistogram::setSidebandWidth(double width) {
  m_sideband = std::max(0.0, width);
  update();
}

double MassWindowHistogram::rangeLo() const {
  return m_edges.isEmpty() ? 0.0 : m_edges.front();
}
double MassWindowHistogram::rangeHi() const {
  return m_edges.isEmpty() ? 1.0 : m_edges.back();
}
double MassWindowHistogram::step() const {
  const double bin = m_edges.size() > 1 ? (rangeHi() - rangeLo()) / (m_edges.size() - 1) : 0.01;
  return bin / 4.0;
}

QRectF MassWindowHistogram::plotRect() const {
  return QRectF(56.0, 22.0, std::max(10.0, width() - 68.0), std::max(10.0, height() - 62.0));
}

double MassWindowHistogram::xOf(double value) const {
  const QRectF r = plotRect();
  return r.left() + (value - rangeLo()) / (rangeHi() - rangeLo()) * r.width();
}

double MassWindowHistogram::valueAt(double x) const {
  const QRectF r = plotRect();
  return rangeLo() + (x - r.left()) / r.width() * (rangeHi() - rangeLo());
}

// The user's moves stay inside the histogram.
void MassWindowHistogram::moveWindow(double lo, double hi) {
  const double minWidth = step();
  // Only the edges that move are kept inside (a window set beyond the histogram stays so on
  // the side that is not touched).
  if (lo != m_lo) lo = std::clamp(lo, rangeLo(), rangeHi() - minWidth);
  if (hi != m_hi) hi = std::clamp(hi, std::min(lo + minWidth, rangeHi()), rangeHi());
  if (!(hi > lo)) return;
  if (lo == m_lo && hi == m_hi) return;
  m_lo = lo;
  m_hi = hi;
  update();
  Q_EMIT windowChanged(m_lo, m_hi);
}

MassWindowHistogram::Drag MassWindowHistogram::hit(double x) const {
  const double dl = std::abs(x - xOf(m_lo)), dh = std::abs(x - xOf(m_hi));
  if (std::min(dl, dh) <= kGrab) return dl <= dh ? Drag::Lower : Drag::Upper;
  if (x > xOf(m_lo) && x < xOf(m_hi)) return Drag::Whole;
  return Drag::None;
}

void MassWindowHistogram::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
  const double x = event->position().x();
  m_drag = hit(x);
  if (m_drag == Drag::Lower) m_activeEdge = 0;
  if (m_drag == Drag::Upper) m_activeEdge = 1;
  m_dragStart = valueAt(x);
  m_dragLo = m_lo;
  m_dragHi = m_hi;
  update();
}

void MassWindowHistogram::mouseMoveEvent(QMouseEvent* event) {
  const double x = event->position().x();
  if (m_drag == Drag::None) {
    const Drag h = hit(x);
    setCursor(h == Drag::Whole                       ? Qt::OpenHandCursor
              : h == Drag::Lower || h == Drag::Upper ? Qt::SizeHorCursor
                                                     : Qt::ArrowCursor);
    return;
  }
  const double v = valueAt(x);
  switch (m_drag) {
    case Drag::Lower:
      moveWindow(std::min(v, m_hi - step()), m_hi);
      break;
    case Drag::Upper:
      moveWindow(m_lo, std::max(v, m_lo + step()));
      break;
    case Drag::Whole: {
      const double w = m_dragHi - m_dragLo;
      const double lo = std::clamp(m_dragLo + (v - m_dragStart), rangeLo(), rangeHi() - w);
      moveWindow(lo, lo + w);
      break;
    }
    case Drag::None:
      break;
  }
}

void MassWindowHistogram::mouseReleaseEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) m_drag = Drag::None;
  QWidget::mouseReleaseEvent(event);
}

void MassWindowHistogram::keyPressEvent(QKeyEvent* event) {
  const double d = step() * ((event->modifiers() & Qt::ShiftModifier) ? 10.0 : 1.0);
  const bool whole = event->modifiers() & Qt::ControlModifier;
  switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Down:
      m_activeEdge = event->key() == Qt::Key_Up ? 1 : 0;
      update();
      return;
    case Qt::Key_Left:
    case Qt::Key_Right: {
      const double s = event->key() == Qt::Key_Right ? d : -d;
      if (whole) {
        const double w = m_hi - m_lo;
        const double lo = std::clamp(m_lo + s, rangeLo(), rangeHi() - w);
        moveWindow(lo, lo + w);
      } else if (m_activeEdge == 0) {
        moveWindow(std::min(m_lo + s, m_hi - step()), m_hi);
      } else {
        moveWindow(m_lo, std::max(m_hi + s, m_lo + step()));
      }
      return;
    }
    default:
      QWidget::keyPressEvent(event);
  }
}

void MassWindowHistogram::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().base());
  const QRectF r = plotRect();
  const QColor text = palette().color(QPalette::Text);
  if (m_edges.size() < 2) {
    p.setPen(text);
    p.drawText(rect(), Qt::AlignCenter, tr("No events loaded"));
    return;
  }
  double maxCount = 0.0, minPositive = 0.0;
  for (double c : m_counts) {
    maxCount = std::max(maxCount, c);
    if (c > 0 && (minPositive == 0.0 || c < minPositive)) minPositive = c;
  }
  // Log scale from a decade below the smallest non-empty bin to a bit above the largest.
  const double yTop = std::log10(std::max(maxCount, 1.0)) + 0.15;
  const double yBottom = std::floor(std::log10(minPositive > 0 ? minPositive : 1.0)) - 0.2;
  auto yOf = [&](double c) {
    const double l = c > 0 ? std::log10(c) : yBottom;
    return r.bottom() - (std::clamp(l, yBottom, yTop) - yBottom) / (yTop - yBottom) * r.height();
  };

  // Sidebands and the window.
  auto band = [&](double a, double b, QColor c) {
    a = std::max(a, rangeLo());
    b = std::min(b, rangeHi());
    if (b > a) p.fillRect(QRectF(QPointF(xOf(a), r.top()), QPointF(xOf(b), r.bottom())), c);
  };
  if (m_sideband > 0) {
    band(m_lo - m_sideband, m_lo, QColor(70, 130, 180, 45));
    band(m_hi, m_hi + m_sideband, QColor(70, 130, 180, 45));
  }
  band(m_lo, m_hi, QColor(230, 140, 30, 60));

  // The histogram as a filled step line.
  QPainterPath path;
  path.moveTo(xOf(m_edges.front()), r.bottom());
  for (qsizetype i = 0; i < m_counts.size(); ++i) {
    path.lineTo(xOf(m_edges[i]), yOf(m_counts[i]));
    path.lineTo(xOf(m_edges[i + 1]), yOf(m_counts[i]));
  }
  path.lineTo(xOf(m_edges.back()), r.bottom());
  p.fillPath(path, QColor(90, 90, 90, 50));
  p.setPen(QPen(QColor(40, 40, 40), 1.2));
  p.drawPath(path);

  // Axes, ticks and labels.
  p.setPen(text);
  p.drawRect(r);
  QFont small = font();
  small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
  p.setFont(small);
  const QFontMetricsF fm(small);
  const double xs = niceStep(rangeHi() - rangeLo(), std::max(2, static_cast<int>(r.width() / 80)));
  for (double v = std::ceil(rangeLo() / xs) * xs; v <= rangeHi() + 1e-9 * xs; v += xs) {
    const double x = xOf(v);
    p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4));
    const QString t = QString::number(v, 'g', 6);
    p.drawText(QPointF(x - fm.horizontalAdvance(t) / 2, r.bottom() + 5 + fm.ascent()), t);
  }
  for (int d = static_cast<int>(std::ceil(yBottom)); d <= static_cast<int>(std::floor(yTop)); ++d) {
    const double y = yOf(std::pow(10.0, d));
    p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y));
    const QString shown = d == 0 ? QStringLiteral("1") : d == 1 ? QStringLiteral("10") : decade(d);
    p.drawText(QPointF(r.left() - 6 - fm.horizontalAdvance(shown), y + fm.ascent() / 2 - 1), shown);
  }
  if (!m_title.isEmpty())
    p.drawText(QRectF(r.left(), height() - fm.height() - 2, r.width(), fm.height()),
               Qt::AlignHCenter, m_title);
  p.save();
  p.translate(12, r.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-r.height() / 2, -fm.height() / 2, r.height(), fm.height()), Qt::AlignCenter,
             tr("events / bin"));
  p.restore();

  // The window's edges: the one with the keyboard is thicker and has a handle.
  for (int e = 0; e < 2; ++e) {
    const double x = xOf(e == 0 ? m_lo : m_hi);
    const bool active = e == m_activeEdge;
    p.setPen(QPen(QColor(200, 90, 0), active && hasFocus() ? 3.0 : 2.0));
    p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
    p.setBrush(active ? QColor(200, 90, 0) : palette().base().color());
    p.drawRect(QRectF(x - 4, r.top() - 8, 8, 8));
  }
  p.setPen(text);
  const QString label = tr("window %1 – %2").arg(m_lo, 0, 'f', 0).arg(m_hi, 0, 'f', 0);
  p.drawText(QRectF(r.left(), 2, r.width(), fm.height() + 2), Qt::AlignRight, label);
  if (hasFocus()) {
    p.setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DotLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(1, 1, -2, -2));
  }
}

}  // namespace imbw
