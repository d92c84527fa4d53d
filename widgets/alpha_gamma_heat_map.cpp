#include "widgets/alpha_gamma_heat_map.h"

#include "widgets/widget_export.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

namespace imbw {

QColor heatColor(double t) {
  static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                 QColor(94, 201, 98), QColor(253, 231, 37)};
  t = std::clamp(t, 0.0, 1.0) * 4.0;
  const int i = std::min(3, static_cast<int>(t));
  const double f = t - i;
  auto mix = [f](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
  return QColor(mix(stops[i].red(), stops[i + 1].red()),
                mix(stops[i].green(), stops[i + 1].green()),
                mix(stops[i].blue(), stops[i + 1].blue()));
}

AlphaGammaHeatMap::AlphaGammaHeatMap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(false);
  setToolTip(tr("Click a cell to show its run in the plots"));
}

void AlphaGammaHeatMap::setGrid(const QList<double>& alphas, const QList<double>& gammas,
                                const QString& metricName) {
  m_alphas = alphas;
  m_gammas = gammas;
  m_metric = metricName;
  m_cells = QList<Cell>(alphas.size() * gammas.size(),
                        Cell{QString(), std::numeric_limits<double>::quiet_NaN()});
  update();
}

void AlphaGammaHeatMap::setCell(int a, int g, const QString& runKey, double value) {
  if (a < 0 || g < 0 || a >= m_alphas.size() || g >= m_gammas.size()) return;
  m_cells[g * m_alphas.size() + a] = Cell{runKey, value};
  update();
}

double AlphaGammaHeatMap::value(int a, int g) const {
  if (a < 0 || g < 0 || a >= m_alphas.size() || g >= m_gammas.size())
    return std::numeric_limits<double>::quiet_NaN();
  return m_cells[g * m_alphas.size() + a].value;
}

QString AlphaGammaHeatMap::runKey(int a, int g) const {
  if (a < 0 || g < 0 || a >= m_alphas.size() || g >= m_gammas.size()) return {};
  return m_cells[g * m_alphas.size() + a].runKey;
}

int AlphaGammaHeatMap::filledCells() const {
  return static_cast<int>(std::count_if(m_cells.begin(), m_cells.end(),
                                        [](const Cell& c) { return std::isfinite(c.value); }));
}

namespace {
constexpr int kBarMargin = 110;  // colour bar 14 px + labels
}  // namespace

QRect AlphaGammaHeatMap::plotArea() const {
  // Right margin: the colour bar and its labels.
  return rect().adjusted(56, 26, -(kBarMargin), -40);
}

QRect AlphaGammaHeatMap::cellRect(int a, int g) const {
  const QRect area = plotArea();
  if (m_alphas.isEmpty() || m_gammas.isEmpty()) return {};
  const double w = double(area.width()) / m_alphas.size();
  const double h = double(area.height()) / m_gammas.size();
  // γ grows upwards, as on a plot.
  const int row = static_cast<int>(m_gammas.size()) - 1 - g;
  return QRect(QPoint(area.left() + int(a * w), area.top() + int(row * h)),
               QPoint(area.left() + int((a + 1) * w) - 1, area.top() + int((row + 1) * h) - 1));
}

void AlphaGammaHeatMap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  p.setPen(palette().text().color());
  if (m_alphas.isEmpty() || m_gammas.isEmpty()) {
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("No scan yet: choose the α and γ values and press “Run scan”."));
    return;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Cell& c : std::as_const(m_cells))
    if (std::isfinite(c.value)) {
      lo = std::min(lo, c.value);
      hi = std::max(hi, c.value);
    }
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.drawText(QRect(0, 0, width(), 24), Qt::AlignCenter,
             tr("%1 over the α–γ grid of the focal loss").arg(m_metric));
  p.setFont(font());
  for (int g = 0; g < m_gammas.size(); ++g) {
    for (int a = 0; a < m_alphas.size(); ++a) {
      const Cell& c = m_cells[g * m_alphas.size() + a];
      const QRect r = cellRect(a, g);
      if (std::isfinite(c.value)) {
        const double t = hi > lo ? (c.value - lo) / (hi - lo) : 0.5;
        const QColor col = heatColor(t);
        p.fillRect(r, col);
        // Perceived brightness (Rec. 601 weights), not HSL lightness: viridis' light greens
        // have lightness ≈ 0.5 but read as bright, and white text on them was hard to read.
        const double luma = 0.299 * col.redF() + 0.587 * col.greenF() + 0.114 * col.blueF();
        p.setPen(luma > 0.5 ? Qt::black : Qt::white);
        p.drawText(r, Qt::AlignCenter, QString::number(c.value, 'f', 3));
      } else {
        p.fillRect(r, QColor(230, 230, 230));
        p.setPen(Qt::darkGray);
        p.drawText(r, Qt::AlignCenter, c.runKey.isEmpty() ? QString() : tr("training…"));
      }
      p.setPen(palette().base().color());
      p.drawRect(r);
    }
  }
  p.setPen(palette().text().color());
  for (int a = 0; a < m_alphas.size(); ++a) {
    const QRect r = cellRect(a, 0);
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignCenter,
               QString::number(m_alphas[a], 'g', 3));
  }
  for (int g = 0; g < m_gammas.size(); ++g) {
    const QRect r = cellRect(0, g);
    p.drawText(QRect(0, r.top(), r.left() - 4, r.height()), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(m_gammas[g], 'g', 3));
  }
  const QRect area = plotArea();
  // Colour bar: the scale is the range of the finished cells, so its ends are labelled with
  // the actual minimum and maximum.
  if (std::isfinite(lo)) {
    const QRect bar(area.right() + 14, area.top(), 14, area.height());
    for (int y = 0; y < bar.height(); ++y) {
      const double t = 1.0 - double(y) / std::max(1, bar.height() - 1);
      p.setPen(heatColor(t));
      p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(palette().text().color());
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    const QRect labels(bar.right() + 4, bar.top(), width() - bar.right() - 6, bar.height());
    p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, tr("max %1").arg(hi, 0, 'f', 3));
    p.drawText(labels, Qt::AlignLeft | Qt::AlignBottom, tr("min %1").arg(lo, 0, 'f', 3));
    p.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, m_metric);
  }
  p.drawText(QRect(area.left(), area.bottom() + 18, area.width(), 18), Qt::AlignCenter,
             tr("α (weight of the signal class)"));
  p.save();
  p.translate(12, area.center().y());
  p.rotate(-90);
  p.drawText(QRect(-area.height() / 2, -10, area.height(), 20), Qt::AlignCenter,
             tr("γ (focusing)"));
  p.restore();
}

void AlphaGammaHeatMap::mousePressEvent(QMouseEvent* event) {
  for (int g = 0; g < m_gammas.size(); ++g)
    for (int a = 0; a < m_alphas.size(); ++a)
      if (cellRect(a, g).contains(event->position().toPoint())) {
        const QString key = runKey(a, g);
        if (!key.isEmpty()) Q_EMIT runClicked(key);
        return;
      }
  QWidget::mousePressEvent(event);
}

bool AlphaGammaHeatMap::exportTo(const QString& path, QSize size, QString* error, int dpi) const {
  AlphaGammaHeatMap copy;
  copy.m_alphas = m_alphas;
  copy.m_gammas = m_gammas;
  copy.m_cells = m_cells;
  copy.m_metric = m_metric;
  return exportWidget(copy, path, size, error, dpi);
}

void AlphaGammaHeatMap::contextMenuEvent(QContextMenuEvent* event) {
  if (m_alphas.isEmpty() || m_gammas.isEmpty()) return;
  QMenu menu(this);
  QAction* exportAction = menu.addAction(tr("Export heat map…"));
  if (menu.exec(event->globalPos()) != exportAction) return;
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export heat map"), QStringLiteral("heatmap.png"),
      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportTo(path, QSize(800, 600), &error))
    QMessageBox::warning(this, tr("Export heat map"), error);
}

}  // namespace imbw
