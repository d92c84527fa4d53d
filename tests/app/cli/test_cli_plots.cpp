// imbalance-cli plots: a project with two runs and a 2×1 α–γ scan is trained with `run --save`;
// `plots` writes every view from the stored results without a display. The files are checked
// as files, not against our own drawing code: the PNGs load with the run colours drawn in the
// curve plots (pixels) and both ends of the heat map's colour scale in its cells, the SVGs are
// well-formed XML that holds the run names and the axis titles, the PDFs start with a PDF
// header. Wrong run names and formats are refused with the cause named.

#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <cmath>

#include "tests/app/cli/cli_process.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/run_plot_data.h"

namespace {

using cli_test::Result;
using cli_test::runCli;
using cli_test::sourceDir;

QString writeProject(const QTemporaryDir& dir) {
  const QString h5 = sourceDir() + "/resources/examples/ww/ww_polarization_01.h5";
  const QString focal = R"({"kind": "gbdt", "trees": 20, "max_depth": 3})";
  const QString text = QString(R"json({
    "formatVersion": 2, "name": "cli plots test",
    "plotLabel": "Workbench Simulation Internal\\n√s = 13 TeV, 140 fb^{-1}",
    "samples": [{"name": "ww", "path": "%1",
                 "label": {"column": "label", "classes": {"1": "LL", "0": "other"}}}],
    "classes": ["other", "LL"], "signalClass": "LL",
    "features": ["W1_px", "W1_pz", "W2_px", "W2_pz", "W1_e", "W2_e"],
    "runs": [
      {"id": "r1", "name": "boosted trees, depth 3",
       "config": {"model": {"kind": "gbdt", "trees": 30, "max_depth": 3}, "folds": 2}},
      {"id": "r2", "name": "a network whose name is long enough to be cut in a legend",
       "config": {"model": {"kind": "mlp", "hidden": [8], "max_epochs": 3}, "folds": 2}},
      {"id": "r3", "name": "focal α=0.25 γ=2", "scan": {"id": "s1", "alpha": 0.25, "gamma": 2},
       "config": {"model": %2, "loss": {"kind": "focal", "alpha": 0.25, "gamma": 2}, "folds": 2}},
      {"id": "r4", "name": "focal α=0.75 γ=2", "scan": {"id": "s1", "alpha": 0.75, "gamma": 2},
       "config": {"model": %2, "loss": {"kind": "focal", "alpha": 0.75, "gamma": 2}, "folds": 2}}],
    "scans": [{"id": "s1", "alphas": [0.25, 0.75], "gammas": [2], "metric": "ap",
               "run": {"model": %2, "loss": {"kind": "focal"}, "folds": 2}}]})json")
                           .arg(h5, focal);
  const QString path = dir.filePath("proj.json");
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(text.toUtf8());
  return path;
}

/// Pixels of exactly `color` in `image`.
int countColor(const QImage& image, const QColor& color) {
  int n = 0;
  const QImage im = image.convertToFormat(QImage::Format_RGB32);
  for (int y = 0; y < im.height(); ++y) {
    const auto* line = reinterpret_cast<const QRgb*>(im.constScanLine(y));
    for (int x = 0; x < im.width(); ++x) n += (line[x] & 0xffffff) == (color.rgb() & 0xffffff);
  }
  return n;
}

/// Every text of an SVG file, or an error message when it is not well-formed XML.
QString svgText(const QString& path, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    *error = "cannot open " + path;
    return {};
  }
  QXmlStreamReader xml(&f);
  QString text;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isCharacters()) text += xml.text().toString() + "\n";
  }
  if (xml.hasError()) *error = path + ": " + xml.errorString();
  return text;
}

}  // namespace

class TestCliPlots : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void writesEveryViewHeadless() {
    QTemporaryDir dir;
    const QString project = writeProject(dir);
    const Result run = runCli({"run", project, "--threads", "2", "--quiet", "--save"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));

    const QString out = dir.filePath("plots");
    const Result plots = runCli({"plots", project, "--out", out, "--formats", "png,svg,pdf"});
    QVERIFY2(plots.exitCode == 0, qPrintable(plots.err));
    QVERIFY2(plots.err.contains("of 4 run(s) and 1 scan(s)"), qPrintable(plots.err));
    const QStringList bases = {
        "roc",
        "rejection",
        "pr",
        "significance",
        "history",
        "scores_r1_boosted_trees_depth_3",
        "scores_r1_boosted_trees_depth_3_ratio",
        "scores_r2_a_network_whose_name_is_long_enough_to_be_cut_in_a_legend",
        "scores_r3_focal_0_25_2",
        "scores_r4_focal_0_75_2",
        "heatmap_s1"};
    for (const QString& b : bases)
      for (const QString f : {"png", "svg", "pdf"})
        QVERIFY2(QFile::exists(out + "/" + b + "." + f), qPrintable(b + "." + f));

    // PNG: twice the default 800×600 points (plus the legend below the plot), and the curves
    // in the runs' colours.
    for (const QString b : {"roc", "rejection", "pr", "significance"}) {
      const QImage image(out + "/" + b + ".png");
      QCOMPARE(image.width(), 1600);
      QVERIFY(image.height() > 1200);
      for (int i = 0; i < 4; ++i)
        QVERIFY2(countColor(image, imbw::runColor(i)) > 50,
                 qPrintable(QString("%1.png: run %2's colour is missing").arg(b).arg(i + 1)));
    }
    // Score histograms: signal red and background blue (the view's class colours).
    const QImage scores(out + "/scores_r1_boosted_trees_depth_3.png");
    QVERIFY(countColor(scores, QColor(0xd6, 0x27, 0x28)) > 50);
    QVERIFY(countColor(scores, QColor(0x1f, 0x77, 0xb4)) > 50);
    // Heat map: its two cells are the ends of the colour scale.
    const QImage heat(out + "/heatmap_s1.png");
    QCOMPARE(heat.size(), QSize(1600, 1200));
    QVERIFY(countColor(heat, imbw::heatColor(0.0)) > 10000);
    QVERIFY(countColor(heat, imbw::heatColor(1.0)) > 10000);

    // SVG: well-formed, with the run names and the axis titles.
    QString error;
    const QString roc = svgText(out + "/roc.svg", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(roc.contains("boosted trees, depth 3"), qPrintable(roc));
    // The project's label block, the first line bold, fb^{-1} with a superscript.
    QVERIFY2(roc.contains("Workbench Simulation Internal") && roc.contains("13 TeV, 140 fb"),
             qPrintable(roc));
    // The legend below the plot keeps the long name whole (wrapped at most, never cut).
    QVERIFY2(roc.simplified().contains("a network whose name is long enough to be cut in a legend"),
             qPrintable(roc));
    QVERIFY2(roc.contains("Background efficiency"), qPrintable(roc));
    const QString heatSvg = svgText(out + "/heatmap_s1.svg", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // (Text in another font, the Greek letters, is a text element of its own.)
    QVERIFY2(heatSvg.contains("focusing)") && heatSvg.contains("weight of the signal class)") &&
                 heatSvg.contains("0.25") && heatSvg.contains("max 0."),
             qPrintable(heatSvg));
    for (const QString& b : bases) {
      QFile pdf(out + "/" + b + ".pdf");
      QVERIFY(pdf.open(QIODevice::ReadOnly));
      QVERIFY2(pdf.read(5) == "%PDF-" && pdf.size() > 2000, qPrintable(b));
    }

    // One run, another size, another label.
    const QString one = dir.filePath("one");
    const Result single =
        runCli({"plots", project, "--out", one, "--runs", "r2", "--format", "png,svg", "--size",
                "1000x500", "--label", "Other\\nsecond line"});
    QVERIFY2(single.exitCode == 0, qPrintable(single.err));
    QCOMPARE(QImage(one + "/pr.png").width(), 2000);
    const QString prSvg = svgText(one + "/pr.svg", &error);
    QVERIFY2(prSvg.contains("Other") && prSvg.contains("second line") &&
                 !prSvg.contains("Simulation Internal"),
             qPrintable(prSvg));
    QVERIFY(!QFile::exists(one + "/scores_r1_boosted_trees_depth_3.png"));
    QVERIFY(QFile::exists(
        one + "/scores_r2_a_network_whose_name_is_long_enough_to_be_cut_in_a_legend.png"));

    // --dpi: PNG pixels per inch (a point is 1/72 inch), recorded in the file.
    const QString lowRes = dir.filePath("dpi");
    const Result dpi = runCli(
        {"plots", project, "--out", lowRes, "--runs", "r1", "--size", "600x400", "--dpi", "300"});
    QVERIFY2(dpi.exitCode == 0, qPrintable(dpi.err));
    const QImage at300(lowRes + "/roc.png");
    QCOMPARE(at300.width(), 2500);
    QVERIFY(std::abs(at300.dotsPerMeterX() - 300 / 0.0254) < 2);
    const Result badDpi = runCli({"plots", project, "--out", lowRes, "--dpi", "10"});
    QCOMPARE(badDpi.exitCode, 2);
    QVERIFY2(badDpi.err.contains("--dpi"), qPrintable(badDpi.err));

    // Refusals name the cause.
    const Result noRun = runCli({"plots", project, "--out", one, "--runs", "forest"});
    QCOMPARE(noRun.exitCode, 1);
    QVERIFY2(noRun.err.contains("no run with the id or name 'forest'"), qPrintable(noRun.err));
    const Result gif = runCli({"plots", project, "--out", one, "--format", "gif"});
    QCOMPARE(gif.exitCode, 1);
    QVERIFY2(gif.err.contains("'gif' is not a plot format"), qPrintable(gif.err));
    const Result usage = runCli({"plots", project});
    QCOMPARE(usage.exitCode, 2);
  }

  // importance --runs ... --plot: the runs' permutation rankings overlaid in the window's
  // Feature ranking chart, each run in its plot colour (runColor of its place in the project,
  // as `plots` colours it). PNG: at the DPI's scale, both colours drawn (legend swatch and
  // bars), far from blank; SVG: well-formed, both run names, the title and every feature; PDF:
  // a PDF. One run with --plot draws its bars alone.
  void importanceOverlayPlot() {
    QTemporaryDir dir;
    const QString project = writeProject(dir);
    const QString png = dir.filePath("overlay.png");
    const QString json = dir.filePath("overlay.json");
    const Result r = runCli({"importance", project, "--runs", "r1,r3", "--repeats", "1",
                             "--threads", "2", "--plot", png, "--out", json, "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.err.contains("ranking of 2 runs"), qPrintable(r.err));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray runs = QJsonDocument::fromJson(f.readAll()).object()["runs"].toArray();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs[0].toObject()["run"].toString(), QString("boosted trees, depth 3"));
    QCOMPARE(runs[1].toObject()["run"].toString(), QString("focal α=0.25 γ=2"));
    // Two tables printed, one per run.
    QCOMPARE(r.out.count("rank  feature"), 2);

    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), 1600);  // 800 points at 144 dpi
    QVERIFY(image.height() > 400);  // as tall as the 2 × 6 bars need
    QVERIFY2(
        countColor(image, imbw::runColor(0)) > 200 && countColor(image, imbw::runColor(2)) > 200,
        qPrintable(QString("%1 / %2 pixels")
                       .arg(countColor(image, imbw::runColor(0)))
                       .arg(countColor(image, imbw::runColor(2)))));
    const int white = countColor(image, Qt::white);
    QVERIFY2(white < image.width() * image.height() * 97 / 100, "nearly blank");

    const QString svg = dir.filePath("overlay.svg");
    const Result s = runCli({"importance", project, "--runs", "r1,r3", "--repeats", "1",
                             "--threads", "2", "--plot", svg, "--quiet"});
    QVERIFY2(s.exitCode == 0, qPrintable(s.err));
    QString error;
    const QString text = svgText(svg, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // A name may be split over text runs where the font changes (the Greek letters).
    const QString flat = QString(text).remove('\n');
    QVERIFY2(flat.contains("boosted trees, depth 3") && flat.contains("focal α=0.25 γ=2") &&
                 flat.contains("Permutation importance of 2 runs (held-out AP)"),
             qPrintable(text));
    for (const char* feature : {"W1_px", "W1_pz", "W2_px", "W2_pz", "W1_e", "W2_e"})
      QVERIFY2(text.contains(feature), feature);

    const QString pdf = dir.filePath("one.pdf");
    const Result p = runCli({"importance", project, "--run", "1", "--repeats", "1", "--threads",
                             "2", "--plot", pdf, "--size", "500x400", "--quiet"});
    QVERIFY2(p.exitCode == 0, qPrintable(p.err));
    QFile pf(pdf);
    QVERIFY(pf.open(QIODevice::ReadOnly));
    QVERIFY(pf.read(5) == "%PDF-");
    QVERIFY(pf.size() > 1000);

    // Refusals before any training: a format that is none of the three, an unknown run.
    const Result gif =
        runCli({"importance", project, "--runs", "r1,r3", "--plot", dir.filePath("x.gif")});
    QCOMPARE(gif.exitCode, 2);
    QVERIFY2(gif.err.contains("x.gif"), qPrintable(gif.err));
    const Result unknown = runCli({"importance", project, "--runs", "r1,forest"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("forest"), qPrintable(unknown.err));
    QCOMPARE(runCli({"importance", project, "--run", "1", "--runs", "r1,r3"}).exitCode, 2);
  }

  void projectWithoutResults() {
    QTemporaryDir dir;
    const QString project = writeProject(dir);
    const Result r = runCli({"plots", project, "--out", dir.filePath("p")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("has no stored results to plot"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(TestCliPlots)
#include "test_cli_plots.moc"
