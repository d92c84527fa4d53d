// ChartView: series are filled by one replace(), log axes drop what they cannot show, and the
// three export formats write real files.
#include <QChart>
#include <QFile>
#include <QGraphicsScene>
#include <QImage>
#include <QLegend>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <cstdlib>
#include <thread>

#include "widgets/chart_view.h"

using namespace imbw;

class TestChartView : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void seriesAreFilledAndReplaced();
  void logAxisDropsNonPositivePoints();
  void retainRemovesOtherSeries();
  void histogramSteps();
  void exportsPngSvgPdf();
  void exportRejectsUnknownSuffix();
  void recordedFigureEqualsTheDirectOne();
  void exportNamesTheCurvesWhenTheLegendIsHidden();
  void exportLayoutKeptBetweenTwoSteps();
  void newRangeNeverMakesThousandsOfTicks();
};

// A 0–1 feature followed by one spanning 40–2500 (the feature view after opening another
// analysis): the axis got the new range while it still had the old tick interval, and laid out
// 12,000 tick items (a minute of frozen window). The scene stays small now.
void TestChartView::newRangeNeverMakesThousandsOfTicks() {
  ChartView view;
  view.resize(600, 400);
  view.show();
  SeriesStyle style;
  view.setSeries("class0", "a", {QPointF(0, 0.1), QPointF(1, 0.2)}, style);
  const qsizetype small = view.chart()->scene()->items().size();
  view.setSeries("class0", "a", {QPointF(40, 0.1), QPointF(2506, 0.2)}, style);
  view.setSeries("class1", "b", {QPointF(40, 0.3), QPointF(2506, 0.1)}, style);
  QVERIFY2(view.chart()->scene()->items().size() < small + 200,
           qPrintable(QString::number(view.chart()->scene()->items().size())));
  view.setSeries("class0", "a", {QPointF(0, 0.1), QPointF(0.5, 0.2)}, style);
  view.setSeries("class1", "b", {QPointF(0, 0.3), QPointF(0.5, 0.1)}, style);
  QVERIFY2(view.chart()->scene()->items().size() < small + 200,
           qPrintable(QString::number(view.chart()->scene()->items().size())));
}

void TestChartView::seriesAreFilledAndReplaced() {
  ChartView view;
  SeriesStyle style;
  style.color = Qt::red;
  view.setSeries("a", "first", {QPointF(0, 1), QPointF(1, 2), QPointF(2, 3)}, style);
  QCOMPARE(view.seriesKeys(), QStringList{"a"});
  QCOMPARE(view.plottedPoints("a").size(), 3);
  QCOMPARE(view.seriesLegend("a"), QString("first"));
  view.setSeries("a", "renamed", {QPointF(5, 6)}, style);
  QCOMPARE(view.seriesKeys().size(), 1);
  QCOMPARE(view.plottedPoints("a"), QList<QPointF>{QPointF(5, 6)});
  QCOMPARE(view.seriesLegend("a"), QString("renamed"));
  // Non-finite points never reach Qt Charts.
  view.setSeries("b", "nan", {QPointF(0, std::nan("")), QPointF(1, 1)}, style);
  QCOMPARE(view.plottedPoints("b").size(), 1);
  QCOMPARE(view.seriesPoints("b").size(), 2);
}

void TestChartView::logAxisDropsNonPositivePoints() {
  ChartView view;
  view.setSeries("a", "a", {QPointF(0.1, 0), QPointF(0.2, 10), QPointF(0.3, 100)}, {});
  QCOMPARE(view.plottedPoints("a").size(), 3);
  view.setLogY(true);
  QCOMPARE(view.plottedPoints("a").size(), 2);
  view.setLogY(false);
  QCOMPARE(view.plottedPoints("a").size(), 3);
}

void TestChartView::retainRemovesOtherSeries() {
  ChartView view;
  view.setSeries("a", "a", {QPointF(0, 0)}, {});
  view.setSeries("b", "b", {QPointF(0, 0)}, {});
  view.setSeries("c", "c", {QPointF(0, 0)}, {});
  view.retainSeries({"b"});
  QCOMPARE(view.seriesKeys(), QStringList{"b"});
  view.clear();
  QVERIFY(view.seriesKeys().isEmpty());
}

void TestChartView::histogramSteps() {
  const auto pts = histogramStepPoints({0, 1, 3}, {2, 5});
  const QList<QPointF> expected{QPointF(0, 2), QPointF(1, 2), QPointF(1, 5), QPointF(3, 5)};
  QCOMPARE(pts, expected);
  QVERIFY(histogramStepPoints({0, 1}, {1, 2}).isEmpty());  // inconsistent sizes
}

void TestChartView::exportsPngSvgPdf() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  ChartView view;
  view.resize(640, 480);
  view.setTitle("export test");
  view.setAxisTitles("x [GeV]", "events");
  view.setSeries("a", "line", {QPointF(0, 0), QPointF(1, 1)}, {});

  QString error;
  const QString png = qEnvironmentVariableIsSet("IMBW_KEEP_EXPORT") ? QString("/tmp/imbw_plot.png")
                                                                    : dir.filePath("plot.png");
  QVERIFY2(view.exportTo(png, &error), qPrintable(error));
  QImage image(png);
  QVERIFY(!image.isNull());
  QCOMPARE(image.width(), 2 * 640);
  // Something other than background was drawn.
  bool hasDark = false;
  for (int y = 0; y < image.height() && !hasDark; y += 3)
    for (int x = 0; x < image.width() && !hasDark; x += 3) hasDark = qGray(image.pixel(x, y)) < 100;
  QVERIFY(hasDark);

  const QString svg = dir.filePath("plot.svg");
  QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
  QFile svgFile(svg);
  QVERIFY(svgFile.open(QIODevice::ReadOnly));
  const QByteArray svgText = svgFile.readAll();
  QVERIFY(svgText.contains("<svg"));
  QVERIFY(svgText.contains("export test"));

  const QString pdf = dir.filePath("plot.pdf");
  QVERIFY2(view.exportTo(pdf, &error), qPrintable(error));
  QFile pdfFile(pdf);
  QVERIFY(pdfFile.open(QIODevice::ReadOnly));
  const QByteArray pdfBytes = pdfFile.readAll();
  QVERIFY(pdfBytes.startsWith("%PDF"));
  QVERIFY(pdfBytes.size() > 1000);
}

void TestChartView::exportNamesTheCurvesWhenTheLegendIsHidden() {
  // The significance view hides the chart legend (a table below names the runs); the exported
  // file has no table, so it must carry the legend.
  QTemporaryDir dir;
  ChartView view;
  view.resize(640, 480);
  view.setSeries("a", "gbdt focal run", {QPointF(0, 0), QPointF(1, 1)}, {});
  view.chart()->legend()->hide();
  const QString svg = dir.filePath("plot.svg");
  QString error;
  QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
  QFile f(svg);
  QVERIFY(f.open(QIODevice::ReadOnly));
  QVERIFY(f.readAll().contains("gbdt focal run"));
  QVERIFY(!view.chart()->legend()->isVisible());  // the window keeps its own layout
}

void TestChartView::exportRejectsUnknownSuffix() {
  QTemporaryDir dir;
  ChartView view;
  QString error;
  QVERIFY(!view.exportTo(dir.filePath("plot.bmpx"), &error));
  QVERIFY(error.contains("bmpx"));
  QVERIFY(!view.exportTo("/nonexistent-dir/x/plot.png", &error));
  QVERIFY(!error.isEmpty());
}

// File ▸ Export ▸ All plots records a chart on the GUI thread and writes it on a worker
// (writeRecordedPlot): the PNG, written on another thread, is the direct one (same size, the
// same pixels but for antialiased edges), the SVG carries the same text at the same size.
void TestChartView::recordedFigureEqualsTheDirectOne() {
  QTemporaryDir dir;
  ChartView view;
  view.resize(640, 480);
  view.setTitle("recorded test");
  view.setAxisTitles("Signal efficiency ε_S", "events");
  view.setSeries("a", "gbdt", {QPointF(0, 0), QPointF(0.5, 0.8), QPointF(1, 1)},
                 SeriesStyle{QColor(200, 30, 30)});
  QString error;
  QVERIFY2(view.exportTo(dir.filePath("direct.png"), &error, 200), qPrintable(error));
  QVERIFY2(view.exportTo(dir.filePath("direct.svg"), &error), qPrintable(error));
  const RecordedPlot plot = view.record();
  bool written = false;
  std::thread worker([&] {
    written = writeRecordedPlot(plot, dir.filePath("recorded.png"), 200, &error) &&
              writeRecordedPlot(plot, dir.filePath("recorded.svg"), 200, &error);
  });
  worker.join();
  QVERIFY2(written, qPrintable(error));
  const QImage direct(dir.filePath("direct.png"));
  const QImage recorded(dir.filePath("recorded.png"));
  QCOMPARE(recorded.size(), direct.size());
  QCOMPARE(recorded.dotsPerMeterX(), direct.dotsPerMeterX());
  qsizetype differ = 0;
  qsizetype red = 0;
  for (int y = 0; y < direct.height(); ++y)
    for (int x = 0; x < direct.width(); ++x) {
      const QRgb a = direct.pixel(x, y);
      const QRgb b = recorded.pixel(x, y);
      differ += std::abs(qGray(a) - qGray(b)) > 64 ? 1 : 0;
      red += qRed(b) > 150 && qGreen(b) < 80 && qBlue(b) < 80 ? 1 : 0;
    }
  qInfo("recorded vs direct PNG: %lld of %lld pixels differ", static_cast<long long>(differ),
        static_cast<long long>(direct.width()) * direct.height());
  QVERIFY2(red > 500, qPrintable(QString("the curve's red: %1 pixels").arg(red)));
  // A wrong scale (QPicture plays by the target's resolution) moves everything: ~10 % differ.
  QVERIFY2(
      differ < direct.width() * direct.height() / 100,
      qPrintable(
          QString("%1 of %2 pixels differ").arg(differ).arg(direct.width() * direct.height())));
  auto read = [&](const QString& name) {
    QFile f(dir.filePath(name));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
  };
  const QString svgDirect = read("direct.svg");
  const QString svgRecorded = read("recorded.svg");
  QVERIFY(svgRecorded.contains("recorded test") && svgRecorded.contains("events"));
  const QRegularExpression viewBox(R"(viewBox="[^"]*")");
  QCOMPARE(viewBox.match(svgRecorded).captured(0), viewBox.match(svgDirect).captured(0));
}

// All plots lays a chart out as exported in one pass of the event loop and records it in the
// next (beginExport, record, endExport): the figure is the one exportTo draws in one call, the
// export's layout survives the event loop in between, endExport gives the window its layout
// back, and a view destroyed while laid out for export goes without putting anything back.
void TestChartView::exportLayoutKeptBetweenTwoSteps() {
  QTemporaryDir dir;
  ChartView view;
  view.resize(640, 480);
  view.setAxisTitles("Signal efficiency ε_S", "events");
  view.setSeries("a", "a run whose long name is wrapped below the plot in the figure",
                 {QPointF(0, 0), QPointF(0.5, 0.8), QPointF(1, 1)},
                 SeriesStyle{QColor(200, 30, 30)});
  view.chart()->legend()->hide();  // the significance view's: shown for the export only
  const QMargins margins = view.chart()->margins();
  view.setTitle("Scores<br><span>test &amp; training</span>");  // rich text, as the views'
  QString error;
  QVERIFY2(view.exportTo(dir.filePath("direct.svg"), &error), qPrintable(error));
  view.beginExport();
  QVERIFY(view.chart()->margins().bottom() > margins.bottom());  // room for the legend below
  QCoreApplication::processEvents();  // the window's events between the two steps
  QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
  const RecordedPlot plot = view.record();
  view.endExport();
  QCOMPARE(view.chart()->margins(), margins);
  QVERIFY(!view.chart()->legend()->isVisible());
  QVERIFY2(writeRecordedPlot(plot, dir.filePath("steps.svg"), 144, &error), qPrintable(error));
  auto read = [&](const QString& name) {
    QFile f(dir.filePath(name));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
  };
  const QString direct = read("direct.svg"), steps = read("steps.svg");
  QVERIFY2(steps.simplified().contains("a run whose long name is wrapped"), qPrintable(steps));
  // The file's title metadata is the title as one line of plain text, escaped: the SVG parses.
  QVERIFY2(direct.contains("<title>Scores — test &amp; training</title>"), qPrintable(direct));
  QXmlStreamReader xml(direct);
  while (!xml.atEnd()) xml.readNext();
  QVERIFY2(!xml.hasError(), qPrintable(xml.errorString() + ": " + direct.left(400)));
  const QRegularExpression viewBox(R"(viewBox="[^"]*")");
  QCOMPARE(viewBox.match(steps).captured(0), viewBox.match(direct).captured(0));
  // Laid out for export and discarded, as All plots' own views are (ASan checks the rest).
  auto discarded = std::make_unique<ChartView>();
  discarded->setSeries("a", "gbdt", {QPointF(0, 0), QPointF(1, 1)}, {});
  discarded->beginExport();
  discarded.reset();
}

QTEST_MAIN(TestChartView)
#include "test_chart_view.moc"
