#pragma once

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace imbw {

/// One bar: a feature's importance and its uncertainty (NaN: no error bar).
struct ImportanceBar {
  QString feature;
  double value = 0.0;
  double error = 0.0;
};

/// One run's bars in an overlay: its name and colour (the run's colour in the plots).
struct ImportanceSeries {
  QString name;
  QColor color;
  QList<ImportanceBar> bars;
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
  /// Several runs overlaid: per feature one bar per series (in the series' colour, with its
  /// error bar), the features in one order (by the first series' value; a feature a series
  /// lacks has no bar there) and a legend under the title.
  void setSeries(const QString& title, const QString& axisTitle, QList<ImportanceSeries> series,
                 int decimals = 4);
  void clear(const QString& message);
  /// The bars as shown, top to bottom (the first series' in an overlay).
  const QList<ImportanceBar>& bars() const { return m_bars; }
  /// The overlay's series (empty for a single run's bars) and the features in the order shown.
  const QList<ImportanceSeries>& series() const { return m_series; }
  QStringList features() const;
  QString title() const { return m_title; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QString m_title;
  QString m_axisTitle;
  QString m_message;
  int rowsHeight(int rowHeight) const;
  int legendHeight() const;

  QList<ImportanceBar> m_bars;
  QList<ImportanceSeries> m_series;  ///< overlay: bars aligned with m_bars' features
  int m_decimals = 4;
};

}  // namespace imbw
