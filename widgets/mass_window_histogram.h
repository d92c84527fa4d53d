#pragma once

#include <QList>
#include <QString>
#include <QWidget>

namespace imbw {

/// The histogram of a resonance variable (e.g. M_jj) with a window on it that the user moves:
/// drag either edge, or drag inside the window to move it whole. Keyboard: Up / Down choose
/// the lower or upper edge, Left / Right move it by a quarter bin (Shift: 2.5 bins), Ctrl+Left
/// / Ctrl+Right move the whole window. The sidebands (a width on each side) are shaded too.
/// Counts are drawn on a log scale, so a falling spectrum and a small bump both show.
class MassWindowHistogram : public QWidget {
  Q_OBJECT
 public:
  explicit MassWindowHistogram(QWidget* parent = nullptr);

  /// edges: bins + 1, increasing; counts: Σ weight per bin.
  void setHistogram(const QList<double>& edges, const QList<double>& counts);
  void setAxisTitle(const QString& title);
  /// Taken as given (it may reach beyond the histogram; dragging then keeps it inside); emits
  /// windowChanged when it changes. Ignored unless hi > lo.
  void setWindow(double lo, double hi);
  void setSidebandWidth(double width);
  double windowLo() const { return m_lo; }
  double windowHi() const { return m_hi; }
  double sidebandWidth() const { return m_sideband; }
  /// 0: the lower edge has the keyboard, 1: the upper.
  int activeEdge() const { return m_activeEdge; }
  /// The widget x coordinate of a value, and back (for painting and for tests that drag).
  double xOf(double value) const;
  double valueAt(double x) const;

  QSize sizeHint() const override { return {420, 200}; }
  QSize minimumSizeHint() const override { return {240, 140}; }

 Q_SIGNALS:
  void windowChanged(double lo, double hi);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  enum class Drag { None, Lower, Upper, Whole };
  QRectF plotRect() const;
  double rangeLo() const;
  double rangeHi() const;
  double step() const;
  Drag hit(double x) const;
  void moveWindow(double lo, double hi);

  QList<double> m_edges, m_counts;
  QString m_title;
  double m_lo = 0.0, m_hi = 1.0, m_sideband = 0.0;
  int m_activeEdge = 0;
  Drag m_drag = Drag::None;
  double m_dragStart = 0.0, m_dragLo = 0.0, m_dragHi = 0.0;
};

}  // namespace imbw
