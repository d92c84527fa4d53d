// Plots fit for a publication (issue 11): real sub- and superscripts from the views' plain
// notation, the working points marked on the rejection curve (hand-computed interpolation),
// exported legends that never cut a name, and the label block above the plot.

#include <QtTest/QtTest>

#include <QAbstractAxis>
#include <QChart>
#include <QImage>
#include <QLegend>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <cmath>

#include "widgets/chart_view.h"
#include "widgets/rich_text.h"
#include "widgets/roc_curve_view.h"
#include "widgets/score_histogram_view.h"

using namespace imbw;

namespace {

/// The texts of an SVG file, one per text element (empty when it is not well-formed).
QStringList svgTexts(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QXmlStreamReader xml(&f);
  QStringList texts;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isCharacters() && !xml.isWhitespace()) texts << xml.text().toString().trimmed();
  }
  return xml.hasError() ? QStringList() : texts;
}

}  // namespace

class TestPublicationPlots : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void richTextNotation() {
    QCOMPARE(richText("Signal efficiency ε_S"), QString("Signal efficiency ε<sub>S</sub>"));
    QCOMPARE(richText("Background rejection 1/ε_B"),
             QString("Background rejection 1/ε<sub>B</sub>"));
    QCOMPARE(richText("Z_A [σ]"), QString("Z<sub>A</sub> [σ]"));
    QCOMPARE(richText("m_jj [GeV]"), QString("m<sub>jj</sub> [GeV]"));
    QCOMPARE(richText("m_{jj} [GeV]"), QString("m<sub>jj</sub> [GeV]"));
    QCOMPARE(richText("1/N dN/dm [GeV^{-1}]"), QString("1/N dN/dm [GeV<sup>-1</sup>]"));
    QCOMPARE(richText("√s = 13 TeV, 140 fb^{-1}"), QString("√s = 13 TeV, 140 fb<sup>-1</sup>"));
    // Names with a word before the underscore stay as written; HTML characters are escaped.
    QCOMPARE(richText("pt_j1"), QString("pt_j1"));
    QCOMPARE(richText("W1_px"), QString("W1_px"));
    QCOMPARE(richText("s/√(s+b) & a<b"), QString("s/√(s+b) &amp; a&lt;b"));
    QCOMPARE(richText("x_"), QString("x_"));
  }

  void axisTitlesAreRichText() {
    RocCurveView view;
    ChartView* c = view.chartView();
    QCOMPARE(c->axisTitleX(), QString("Background efficiency ε_B"));  // as the view wrote it
    const auto x = c->chart()->axes(Qt::Horizontal);
    const auto y = c->chart()->axes(Qt::Vertical);
    QVERIFY(!x.isEmpty() && !y.isEmpty());
    QCOMPARE(x.front()->titleText(), QString("Background efficiency ε<sub>B</sub>"));
    QCOMPARE(y.front()->titleText(), QString("Signal efficiency ε<sub>S</sub>"));
    view.setMode(RocCurveView::Mode::Rejection);  // new (log) axes, the same conversion
    QCOMPARE(c->chart()->axes(Qt::Vertical).front()->titleText(),
             QString("Background rejection 1/ε<sub>B</sub>"));
  }

  void rejectionMarksTheWorkingPoints() {
    RunPlotData run;
    run.key = "r1";
    run.label = "run";
    run.color = runColor(0);
    // ε_S = 0.2 lies between (0, 0) and (0.1, 0.4): ε_B = 0.05, rejection 20; ε_S = 0.5
    // between (0.1, 0.4) and (0.3, 0.6): ε_B = 0.2, rejection 5; ε_S = 0.8 between (0.3, 0.6)
    // and (1, 1): ε_B = 0.3 + 0.7 · 0.2 / 0.4 = 0.65, rejection 1/0.65.
    run.roc = {QPointF(0, 0), QPointF(0.1, 0.4), QPointF(0.3, 0.6), QPointF(1, 1)};
    RocCurveView view;
    view.setRuns({run});
    QVERIFY(view.chartView()->seriesPoints(RocCurveView::workingPointKey("r1")).isEmpty());
    view.setMode(RocCurveView::Mode::Rejection);
    const auto wp = view.chartView()->plottedPoints(RocCurveView::workingPointKey("r1"));
    QCOMPARE(wp.size(), 3);
    const double expected[3][2] = {{0.2, 20.0}, {0.5, 5.0}, {0.8, 1.0 / 0.65}};
    for (int i = 0; i < 3; ++i) {
      QVERIFY(std::abs(wp[i].x() - expected[i][0]) < 1e-12);
      QVERIFY2(std::abs(wp[i].y() - expected[i][1]) < 1e-9,
               qPrintable(QString("point %1: %2").arg(i).arg(wp[i].y())));
    }
    QVERIFY(view.chartView()->seriesKeys().contains("working points"));
    // A curve that never reaches ε_S = 0.8 has no mark there.
    run.roc = {QPointF(0, 0), QPointF(0.1, 0.4), QPointF(0.3, 0.6)};
    view.setRuns({run});
    QCOMPARE(view.chartView()->plottedPoints(RocCurveView::workingPointKey("r1")).size(), 2);
  }

  void exportedLegendKeepsLongNames() {
    QTemporaryDir dir;
    ChartView view;
    view.resize(640, 480);
    const QString longName =
        "gbdt focal loss alpha 0.25 gamma 2 with SMOTE oversampling and a name that goes on and "
        "on until no legend beside a plot could hold it";
    view.setSeries("a", longName, {QPointF(0, 0), QPointF(1, 1)}, {});
    view.setSeries("b", "short", {QPointF(0, 1), QPointF(1, 0)}, {});
    const QString svg = dir.filePath("plot.svg");
    const QString png = dir.filePath("plot.png");
    QString error;
    QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
    QVERIFY2(view.exportTo(png, &error), qPrintable(error));
    const QStringList texts = svgTexts(svg);
    // Wrapped at a word boundary: its lines, joined, are the whole name.
    QVERIFY2(texts.join(" ").contains(longName), qPrintable(texts.join(" | ")));
    QVERIFY(texts.contains("short"));
    // The figure grew by the legend below the plot (PNG: two pixels per point).
    const QImage image(png);
    QCOMPARE(image.width(), 2 * 640);
    QVERIFY2(image.height() > 2 * 480, qPrintable(QString::number(image.height())));
    // The window's layout is back: legend attached on the right.
    QVERIFY(view.chart()->legend()->isAttachedToChart());
    QCOMPARE(view.chart()->legend()->alignment(), Qt::AlignRight);
  }

  void ratioPanelUnderTheHistograms() {
    RunPlotData run;
    run.key = "r1";
    run.label = "run";
    // Background: test 0.7, 0.3 over training 0.72, 0.28; signal: training bin 1 empty.
    ClassScoreHistogram bkg{"background", {0, 0.5, 1}, {0.7, 0.3}, {0.72, 0.28}, 0.42};
    ClassScoreHistogram sig{"signal", {0, 0.5, 1}, {0.2, 0.8}, {0.0, 1.0}, 0.031};
    run.histograms = {bkg, sig};
    ScoreHistogramView view;
    view.setRuns({run});
    ChartView* ratio = view.ratioView();
    const auto b = ratio->seriesPoints(ScoreHistogramView::ratioKey("r1", 0));
    QCOMPARE(b.size(), 4);  // two bins as steps
    QCOMPARE(b[0], QPointF(0, 0.7 / 0.72));
    QCOMPARE(b[1], QPointF(0.5, 0.7 / 0.72));
    QCOMPARE(b[2], QPointF(0.5, 0.3 / 0.28));
    QCOMPARE(b[3], QPointF(1, 0.3 / 0.28));
    const auto s = ratio->seriesPoints(ScoreHistogramView::ratioKey("r1", 1));
    QCOMPARE(s.size(), 2);  // the empty training bin has no ratio
    QCOMPARE(s[0], QPointF(0.5, 0.8));
    QCOMPARE(ratio->seriesPoints("one"), (QList<QPointF>{QPointF(0, 1), QPointF(1, 1)}));
    QCOMPARE(ratio->axisTitleY(), QString("test / train"));
  }

  void ratioPanelLeavesGapsAtEmptyTrainingBins() {
    // Signal: four bins, training bin 1 empty (and bin 3's test too, ratio 0, which is drawn).
    RunPlotData run;
    run.key = "r1";
    run.label = "run";
    ClassScoreHistogram sig{
        "signal", {0, 0.25, 0.5, 0.75, 1}, {0.2, 0.3, 0.5, 0.0}, {0.4, 0.0, 0.4, 0.2}, 0.1};
    run.histograms = {sig};
    ScoreHistogramView view;
    view.setRuns({run});
    ChartView* ratio = view.ratioView();
    QCOMPARE(ratio->seriesPoints(ScoreHistogramView::ratioKey("r1", 0)),
             (QList<QPointF>{QPointF(0, 0.5), QPointF(0.25, 0.5)}));
    QCOMPARE(ratio->seriesPoints(ScoreHistogramView::ratioKey("r1", 0, 1)),
             (QList<QPointF>{QPointF(0.5, 1.25), QPointF(0.75, 1.25), QPointF(0.75, 0.0),
                             QPointF(1, 0.0)}));
    // No drawn line crosses the gap 0.25–0.5 (a step only goes across or up and down), and the
    // class is named once in the legend.
    int named = 0;
    for (const QString& key : ratio->seriesKeys()) {
      const auto p = ratio->seriesPoints(key);
      for (qsizetype i = 1; i < p.size(); ++i)
        QVERIFY2(p[i].x() == p[i - 1].x() || p[i].y() == p[i - 1].y(), qPrintable(key));
      for (const QPointF& q : p) QVERIFY(!(q.x() > 0.25 && q.x() < 0.5));
      named += !ratio->seriesLegend(key).isEmpty();
    }
    QCOMPARE(named, 1);
  }

  void labelBlockAbovePlot() {
    QTemporaryDir dir;
    ChartView view;
    view.resize(640, 480);
    view.setSeries("a", "run", {QPointF(0, 0), QPointF(1, 1)}, {});
    const int before = view.chart()->margins().top();
    view.setLabelBlock("Workbench Simulation Internal\n√s = 13 TeV, 140 fb^{-1}");
    QVERIFY(view.chart()->margins().top() > before + 20);  // room for two lines
    const QString svg = dir.filePath("label.svg");
    QString error;
    QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
    const QString all = svgTexts(svg).join(" ");
    QVERIFY2(all.contains("Workbench Simulation Internal") && all.contains("13 TeV, 140 fb") &&
                 all.contains("-1"),
             qPrintable(all));
    view.setLabelBlock({});
    QCOMPARE(view.chart()->margins().top(), before);
    QVERIFY2(view.exportTo(svg, &error), qPrintable(error));
    QVERIFY(!svgTexts(svg).join(" ").contains("Simulation Internal"));
  }
};

QTEST_MAIN(TestPublicationPlots)
#include "test_publication_plots.moc"
