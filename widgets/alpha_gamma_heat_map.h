#pragma once

#include <QList>
#include <QString>
#include <QWidget>

namespace imbw {

/// The α–γ scan: one cell per (α, γ) pair, filled with the chosen metric as runs finish.
/// Clicking a cell that has a run emits runClicked with that run's key.
class AlphaGammaHeatMap : public QWidget {
  Q_OBJECT
 public:
  explicit AlphaGammaHeatMap(QWidget* parent = nullptr);
  void setGrid(const QList<double>& alphas, const QList<double>& gammas, const QString& metricName);
  /// Assigns a run to a cell (value NaN = still training).
  void setCell(int alphaIndex, int gammaIndex, const QString& runKey, double value);
  double value(int alphaIndex, int gammaIndex) const;
  QList<double> alphas() const { return m_alphas; }
  QList<double> gammas() const { return m_gammas; }
  QString runKey(int alphaIndex, int gammaIndex) const;
  int filledCells() const;
  QRect cellRect(int alphaIndex, int gammaIndex) const;
  QString metricName() const { return m_metric; }
  QSize minimumSizeHint() const override { return QSize(260, 200); }
  /// Writes the heat map to `path` (.png, .svg or .pdf, as exportWidget) at `size` points (PNG:
  /// `dpi` pixels per inch). A copy draws it, so the widget in the window keeps its size. False and
  /// `error` on failure.
  bool exportTo(const QString& path, QSize size = QSize(800, 600), QString* error = nullptr,
                int dpi = 144) const;

 Q_SIGNALS:
  void runClicked(const QString& runKey);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  /// "Export heat map…" (PNG, SVG, PDF), as the charts' context menu.
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  struct Cell {
    QString runKey;
    double value;
  };
  QRect plotArea() const;
  QList<double> m_alphas, m_gammas;
  QList<Cell> m_cells;  // [gammaIndex * alphas + alphaIndex]
  QString m_metric;
};

/// Viridis-like colour for t ∈ [0, 1] (perceptually ordered, readable in grey scale).
QColor heatColor(double t);

}  // namespace imbw
