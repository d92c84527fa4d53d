// Legends never cut a name (issue 11): when the names do not fit beside the plot, a ChartView
// shows them below it in full (ChartLegend), wrapped rather than elided; with a short name the
// compact legend beside the plot stays. Checked on shown windows (offscreen): the labels hold
// the whole names and are tall enough for their wrapped text, and a grab of the window has the
// names' ink and the runs' colours in the legend's region. IMBW_SCREENSHOT_DIR keeps the grabs.

#include <QChart>
#include <QLabel>
#include <QLegend>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTextDocumentFragment>
#include <QtTest>

#include "widgets/chart_view.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/run_plot_data.h"
#include "widgets/training_history_view.h"

using namespace imbw;

namespace {

/// Eight names of 40+ characters that differ only at their ends (an elided legend makes them
/// all the same).
QStringList longNames() {
  QStringList out;
  for (int i = 0; i < 8; ++i)
    out << QString("gbdt cross entropy with SMOTE oversampling, depth %1 and %2 trees")
               .arg(3 + i)
               .arg(100 * (i + 1));
  return out;
}

QString plain(const QString& html) {
  return QTextDocumentFragment::fromHtml(html).toPlainText();
}

void keepShot(QWidget* w, const QString& name) {
  const QString dir = qEnvironmentVariable("IMBW_SCREENSHOT_DIR");
  if (!dir.isEmpty()) w->grab().save(dir + "/" + name + ".png");
}

/// Pixels of `image` inside `rect` that are not (near) white.
int inkIn(const QImage& image, const QRect& rect) {
  int n = 0;
  for (int y = rect.top(); y <= rect.bottom(); ++y)
    for (int x = rect.left(); x <= rect.right(); ++x) {
      const QColor c = image.pixelColor(x, y);
      n += (c.red() + c.green() + c.blue() < 600) ? 1 : 0;
    }
  return n;
}

int colorIn(const QImage& image, const QRect& rect, const QColor& color) {
  int n = 0;
  for (int y = rect.top(); y <= rect.bottom(); ++y)
    for (int x = rect.left(); x <= rect.right(); ++x) {
      const QColor c = image.pixelColor(x, y);
      n += (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                std::abs(c.blue() - color.blue()) <
            30)
               ? 1
               : 0;
    }
  return n;
}

/// Every entry of `view`'s legend below the plot is whole and readable in a grab of `top`.
void checkLegendBelow(ChartView* view, QWidget* top, const QStringList& names,
                      const QList<QColor>& colors) {
  QTRY_VERIFY(view->legendBelow());
  QTest::qWait(50);  // the window lays itself out again (posted layout requests)
  QVERIFY(!view->chart()->legend()->isVisible());  // not Qt's elided one beside it
  ChartLegend* legend = view->legendPanel();
  QVERIFY(legend->isVisible());
  QVERIFY(!legend->verticalScrollBar()->isVisible());  // 8 entries: no scrolling needed
  const QList<QLabel*> labels = legend->textLabels();
  QStringList shown;
  for (QLabel* l : labels) {
    QVERIFY(l->isVisible());
    shown << plain(l->text());
    // Tall enough for its text wrapped at its width: nothing is cut off at the bottom.
    QVERIFY2(l->heightForWidth(l->width()) <= l->height(),
             qPrintable(QString("%1: needs %2 px, has %3")
                            .arg(plain(l->text()))
                            .arg(l->heightForWidth(l->width()))
                            .arg(l->height())));
    // And inside the window.
    const QRect r(l->mapTo(top, QPoint(0, 0)), l->size());
    QVERIFY2(top->rect().contains(r), qPrintable(plain(l->text())));
  }
  for (const QString& n : names) {
    bool found = false;
    for (const QString& s : shown) found = found || s.contains(n);
    QVERIFY2(found, qPrintable(n + " not in " + shown.join(" | ")));
  }
  // The grab: ink in the legend region, and every run's colour in its swatch.
  const QImage image = top->grab().toImage().convertToFormat(QImage::Format_RGB32);
  const qreal dpr = image.devicePixelRatio();
  const QRect region(QPointF(legend->mapTo(top, QPoint(0, 0)) * dpr).toPoint(),
                     (QSizeF(legend->size()) * dpr).toSize());
  QVERIFY2(inkIn(image, region) > 200 * names.size(),
           qPrintable(QString::number(inkIn(image, region))));
  for (const QColor& c : colors)
    QVERIFY2(colorIn(image, region, c) > 20, qPrintable(c.name() + " has no swatch"));
}

RunPlotData run(int i, const QString& label) {
  RunPlotData r;
  r.key = QString("r%1").arg(i);
  r.label = label;
  r.color = runColor(i);
  const double a = 0.3 + 0.05 * i;
  r.roc = {QPointF(0, 0), QPointF(0.05, a), QPointF(0.3, a + 0.3), QPointF(1, 1)};
  r.pr = {QPointF(0, 1), QPointF(0.5, a), QPointF(1, 0.1)};
  r.ap = a;
  r.auc = 0.6 + 0.03 * i;
  r.chance = 0.1;
  r.trainLoss = {QPointF(1, 0.6 - 0.01 * i), QPointF(2, 0.5 - 0.01 * i)};
  return r;
}

}  // namespace

class TestChartLegend : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void longNamesGoBelowInFull();
  void oneShortNameStaysBeside();
  void theLegendComesBackWhenTheNamesFit();
  void runViewsKeepEveryName();
  void hiddenLegendStaysHidden();
};

void TestChartLegend::longNamesGoBelowInFull() {
  ChartView view;
  view.resize(600, 420);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  const QStringList names = longNames();
  QList<QColor> colors;
  for (int i = 0; i < names.size(); ++i) {
    SeriesStyle s;
    s.color = runColor(i);
    colors << s.color;
    view.setSeries(QString::number(i), names[i], {QPointF(0, 0.1 * i), QPointF(1, 0.1 * i + 0.2)},
                   s);
  }
  checkLegendBelow(&view, &view, names, colors);
  // The plot keeps most of the height.
  QVERIFY2(view.legendPanel()->height() < view.height() / 2,
           qPrintable(QString::number(view.legendPanel()->height())));
  keepShot(&view, "legend-8-long-names-600px");
  // Narrower: the names wrap to more lines but stay whole.
  view.resize(420, 480);
  QTRY_COMPARE(view.legendPanel()->columns(), 1);
  QTest::qWait(20);
  for (QLabel* l : view.legendPanel()->textLabels())
    QVERIFY(l->heightForWidth(l->width()) <= l->height() ||
            view.legendPanel()->verticalScrollBar()->isVisible());
  keepShot(&view, "legend-8-long-names-420px");
}

void TestChartLegend::oneShortNameStaysBeside() {
  ChartView view;
  view.resize(600, 420);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setSeries("a", "AP 0.412 · gbdt focal", {QPointF(0, 0), QPointF(1, 1)}, {});
  QTest::qWait(20);
  QVERIFY(!view.legendBelow());
  QVERIFY(!view.legendPanel()->isVisible());
  QVERIFY(view.chart()->legend()->isVisible());
  QCOMPARE(view.chart()->legend()->alignment(), Qt::AlignRight);
  keepShot(&view, "legend-1-run");
}

void TestChartLegend::theLegendComesBackWhenTheNamesFit() {
  ChartView view;
  view.resize(600, 420);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setSeries("a", longNames().first(), {QPointF(0, 0), QPointF(1, 1)}, {});
  QTRY_VERIFY(view.legendBelow());
  // The same name fits beside a wide plot.
  view.resize(1800, 700);
  QTRY_VERIFY(!view.legendBelow());
  QVERIFY(view.chart()->legend()->isVisible());
  // A long name replaced by a short one (a run renamed) fits at 600 px.
  view.resize(600, 420);
  QTRY_VERIFY(view.legendBelow());
  view.setSeries("a", "short", {QPointF(0, 0), QPointF(1, 1)}, {});
  QVERIFY(!view.legendBelow());
  view.removeSeries("a");
  QVERIFY(!view.legendPanel()->isVisible());
}

// The run views (PR, ROC, training history) with 8 runs of long names in a dock of ordinary
// width: the legend text of every run (its AP or AUC and its whole name) is shown.
void TestChartLegend::runViewsKeepEveryName() {
  QList<RunPlotData> runs;
  QList<QColor> colors;
  const QStringList names = longNames();
  for (int i = 0; i < names.size(); ++i) {
    runs << run(i, names[i]);
    colors << runColor(i);
  }
  {
    PrCurveView pr;
    pr.resize(600, 460);
    pr.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pr));
    pr.setRuns(runs);
    QStringList expected = names;
    expected << QString("AP %1").arg(runs[7].ap, 0, 'f', 3);
    checkLegendBelow(pr.chartView(), &pr, expected, colors);
    keepShot(&pr, "legend-pr-8-runs");
  }
  {
    RocCurveView roc;
    roc.resize(600, 460);
    roc.show();
    QVERIFY(QTest::qWaitForWindowExposed(&roc));
    roc.setRuns(runs);
    QStringList expected = names;
    expected << QString("AUC %1").arg(runs[3].auc, 0, 'f', 3);
    checkLegendBelow(roc.chartView(), &roc, expected, colors);
    keepShot(&roc, "legend-roc-8-runs");
  }
  {
    TrainingHistoryView history;
    history.resize(600, 460);
    history.show();
    QVERIFY(QTest::qWaitForWindowExposed(&history));
    history.setRuns(runs);
    checkLegendBelow(history.chartView(), &history, names, colors);
  }
  // One run with a short name: the compact legend beside the plot, as before.
  PrCurveView pr;
  pr.resize(600, 460);
  pr.show();
  QVERIFY(QTest::qWaitForWindowExposed(&pr));
  pr.setRuns({run(0, "gbdt")});
  QTest::qWait(20);
  QVERIFY(!pr.chartView()->legendBelow());
  QVERIFY(pr.chartView()->chart()->legend()->isVisible());
}

// A view that names its curves elsewhere (the significance view's table) gets no legend, also
// with long names.
void TestChartLegend::hiddenLegendStaysHidden() {
  ChartView view;
  view.resize(600, 420);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setLegendVisible(false);
  view.setSeries("a", longNames().first(), {QPointF(0, 0), QPointF(1, 1)}, {});
  view.resize(500, 400);
  QTest::qWait(20);
  QVERIFY(!view.legendBelow());
  QVERIFY(!view.legendPanel()->isVisible());
  QVERIFY(!view.chart()->legend()->isVisible());
}

QTEST_MAIN(TestChartLegend)
#include "test_chart_legend.moc"
