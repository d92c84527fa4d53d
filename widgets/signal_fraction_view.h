#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

namespace imbw {

class ChartView;

/// The Tag N' Train paper's comparison: a figure of merit (the maximum significance
/// improvement ε_S/√ε_B, or the AUC) against the injected S/B on a log axis, one line per
/// method, the supervised reference dashed.
class SignalFractionView : public QWidget {
  Q_OBJECT
 public:
  explicit SignalFractionView(QWidget* parent = nullptr);
  /// points: (S/B, value) per method, in any order.
  void setCurves(const QString& metric, const QList<QPair<QString, QList<QPointF>>>& curves);
  void clear();
  ChartView* chartView() const { return m_chart; }
  static QColor methodColor(const QString& method);

 private:
  ChartView* m_chart;
};

}  // namespace imbw
