#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>
#include <limits>

namespace imbw {

class ChartView;

/// One curve of points with vertical error bars (NaN error: no bar).
struct ErrorBarCurve {
  QString key;
  QString legend;
  QColor color = Qt::black;
  Qt::PenStyle pen = Qt::SolidLine;
  QList<double> x, y, yError;
  /// Error bars are cut at these bounds (a fraction's spread ends at 0 and 1).
  double yMin = -std::numeric_limits<double>::infinity();
  double yMax = std::numeric_limits<double>::infinity();
};

/// Points joined by lines with ± error bars, drawn through the workbench's ChartView (so it
/// exports and reads like the other plots). Used for the reliability diagram and the r-scan.
class ErrorBarChart : public QWidget {
  Q_OBJECT
 public:
  explicit ErrorBarChart(QWidget* parent = nullptr);

  ChartView* chart() const { return m_chart; }
  /// Replaces every curve; `diagonal` adds the y = x line of a perfect calibration on [0, 1].
  void setCurves(const QList<ErrorBarCurve>& curves, bool diagonal = false);
  const QList<ErrorBarCurve>& curves() const { return m_curves; }

 private:
  ChartView* m_chart;
  QList<ErrorBarCurve> m_curves;
};

}  // namespace imbw
