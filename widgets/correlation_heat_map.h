#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace imbw {

/// A correlation matrix as a heat map: blue (ρ = −1) through white (0) to red (+1), the value
/// written in every cell, the names along the left side and numbered along the top (the
/// numbers refer to the rows, so long names are not rotated). NaN cells (a constant column)
/// are grey and say "n/a".
class CorrelationHeatMap : public QWidget {
  Q_OBJECT
 public:
  explicit CorrelationHeatMap(QWidget* parent = nullptr);

  void setMatrix(const QString& title, const QStringList& names, const QList<QList<double>>& rho);
  void clear(const QString& message);
  QString title() const { return m_title; }
  QStringList names() const { return m_names; }
  /// NaN outside the matrix.
  double value(int row, int column) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  /// Hovering a cell names the pair and its ρ (the cells are too small for text with many
  /// features).
  bool event(QEvent* event) override;

 private:
  QString m_title;
  QString m_message;
  QStringList m_names;
  QList<QList<double>> m_rho;
  // Geometry of the last paint, for the tooltips.
  int m_left = 0, m_top = 0, m_cell = 0;
};

/// The diverging colour of ρ in [−1, 1].
QColor correlationColor(double rho);

}  // namespace imbw
