#pragma once

#include <QList>
#include <QString>
#include <QWidget>

namespace imbw {

/// One bar: a feature's importance and its uncertainty (NaN: no error bar).
struct ImportanceBar {
  QString feature;
  double value = 0.0;
  double error = 0.0;
};

/// Horizontal bars, one per feature, largest at the top, with ± error bars and the value
/// written beside each bar. Negative values (a shuffle that helps) grow to the left of zero.
/// Painted directly: a ranking of 20–60 features reads better as rows of text than as a chart
/// with rotated category labels.
class ImportanceChart : public QWidget {
  Q_OBJECT
 public:
  explicit ImportanceChart(QWidget* parent = nullptr);

  /// `bars` in any order: they are shown by decreasing value. `decimals` for the numbers.
  void setBars(const QString& title, const QString& axisTitle, QList<ImportanceBar> bars,
               int decimals = 4);
  void clear(const QString& message);
  /// The bars as shown, top to bottom.
  const QList<ImportanceBar>& bars() const { return m_bars; }
  QString title() const { return m_title; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString m_title;
  QString m_axisTitle;
  QString m_message;
  QList<ImportanceBar> m_bars;
  int m_decimals = 4;
};

}  // namespace imbw
