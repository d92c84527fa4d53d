// The issue-13 views on hand-built data: the importance bars are ordered by value with their
// errors kept, the heat map keeps the matrix and its diverging colours end at the RdBu
// extremes, the error-bar chart draws one bar per finite error, cut at the curve's bounds.

#include <QtTest>
#include <cmath>

#include "widgets/chart_view.h"
#include "widgets/correlation_heat_map.h"
#include "widgets/error_bar_chart.h"
#include "widgets/importance_chart.h"

using namespace imbw;

class TestInsightWidgets : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void importanceBarsAreRankedByValue() {
    ImportanceChart c;
    c.resize(500, 300);
    c.setBars("t", "x", {{"a", 0.01, 0.002}, {"b", 0.05, 0.01}, {"c", -0.003, NAN}}, 3);
    QCOMPARE(c.bars().size(), 3);
    QCOMPARE(c.bars()[0].feature, QString("b"));
    QCOMPARE(c.bars()[1].feature, QString("a"));
    QCOMPARE(c.bars()[2].feature, QString("c"));
    QCOMPARE(c.bars()[1].error, 0.002);
    QVERIFY(std::isnan(c.bars()[2].error));
    QVERIFY(!c.grab().isNull());  // paints negative bars and missing errors without trouble
    c.clear("nothing");
    QVERIFY(c.bars().isEmpty());
  }

  void heatMapKeepsTheMatrix() {
    CorrelationHeatMap m;
    m.resize(400, 300);
    m.setMatrix("class LL", {"x", "y"}, {{1.0, -0.4}, {-0.4, 1.0}});
    QCOMPARE(m.value(0, 1), -0.4);
    QVERIFY(std::isnan(m.value(2, 0)));
    QCOMPARE(correlationColor(1.0), QColor(178, 24, 43));
    QCOMPARE(correlationColor(-1.0), QColor(33, 102, 172));
    QCOMPARE(correlationColor(0.0), QColor(255, 255, 255));
    // Halfway to +1: the mean of white and the end colour, per channel.
    QCOMPARE(correlationColor(0.5), QColor(217, 140, 149));
    QVERIFY(!m.grab().isNull());
  }

  void errorBarsAreCutAtTheBounds() {
    ErrorBarChart chart;
    ErrorBarCurve c;
    c.key = "k";
    c.legend = "curve";
    c.x = {0.1, 0.5, 0.9};
    c.y = {0.05, 0.5, 0.95};
    c.yError = {0.1, NAN, 0.02};
    c.yMin = 0.0;
    c.yMax = 1.0;
    chart.setCurves({c}, true);
    ChartView* v = chart.chart();
    QVERIFY(v->seriesKeys().contains("diagonal"));
    QCOMPARE(v->seriesPoints("k").size(), 3);
    QCOMPARE(v->seriesPoints("k/error/0"), (QList<QPointF>{{0.1, 0.0}, {0.1, 0.15}}));
    QVERIFY(!v->seriesKeys().contains("k/error/1"));  // NaN error: no bar
    const auto bar = v->seriesPoints("k/error/2");
    QCOMPARE(bar.size(), 2);
    QCOMPARE(bar[0].y(), 0.93);
    QCOMPARE(bar[1].y(), 0.97);
  }
};

QTEST_MAIN(TestInsightWidgets)
#include "test_insight_widgets.moc"
