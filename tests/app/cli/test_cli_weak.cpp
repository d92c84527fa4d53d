// imbalance-cli tnt / sf-scan on a small sample written by the dijet generator (imbw-gen-dijet):
// tables, CSV files, and named errors for bad options; `study` adds a study to a project, runs it
// and keeps its scores in the sidecar (read here with the HDF5 C API), equal to `tnt`'s; `run`
// runs a project's studies with its runs; `sf-scan --out DIR --save` writes the table and plots
// and keeps the scan as a study; `plots` draws the studies; `study --rename/--remove`.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "tests/app/cli/cli_process.h"
#include "tests/app/cli/h5_column.h"

using cli_test::Result;
using cli_test::runCli;

namespace {

// The value of `column` (0-based after the label) in the table row starting with `label`.
double tableValue(const QString& out, const QString& label, int column) {
  for (const QString& line : out.split('\n')) {
    if (!line.startsWith(label + " ")) continue;
    const QStringList parts =
        line.mid(label.size()).split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    if (column < parts.size()) return parts[column].toDouble();
  }
  return -1.0;
}

// A project and its sidecar copied to `to` (and its sidecar).
void copyProject(const QString& from, const QString& to) {
  const auto side = [](const QString& p) { return p.left(p.size() - 5) + ".results.h5"; };
  QFile::remove(to);
  QFile::remove(side(to));
  QFile::copy(from, to);
  QFile::copy(side(from), side(to));
}

}  // namespace

class TestCliWeak : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    QProcess gen;
    gen.start(QStringLiteral(IMBW_GEN_PATH), {m_dir.filePath("dijet.h5"), "--background", "8000",
                                              "--signal-fraction", "0.05", "--seed", "3"});
    QVERIFY(gen.waitForFinished(60000));
    QCOMPARE(gen.exitCode(), 0);
    QFile src(cli_test::sourceDir() + "/resources/examples/dijet/dijet.analysis.json");
    QVERIFY(src.open(QIODevice::ReadOnly));
    QByteArray text = src.readAll();
    text.replace("dijet_synthetic.h5", "dijet.h5");
    QFile dst(m_dir.filePath("dijet.analysis.json"));
    QVERIFY(dst.open(QIODevice::WriteOnly));
    dst.write(text);
    dst.close();
    m_analysis = dst.fileName();
  }

  void tagNTrainPrintsAndWrites() {
    const QString scores = m_dir.filePath("scores.csv"), bump = m_dir.filePath("bump.csv");
    const Result r = runCli({"tnt", m_analysis, "--scores", scores, "--bump", bump, "--quiet",
                             "--classifier", R"({"kind":"gbdt","trees":40,"max_depth":3})",
                             "--efficiencies", "0.1,0.01", "--bins", "20"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Tag N' Train on the autoencoders' tags beats the autoencoders (truth only to evaluate).
    const double start = tableValue(r.out, "start_combined", 0);
    const double tnt = tableValue(r.out, "iteration1_combined", 0);
    QVERIFY2(start > 0.5 && tnt > start + 0.05, qPrintable(r.out));
    QFile s(scores);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(s.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 8000 + 400 + 1);
    QCOMPARE(lines[0], QString("resonance,truth,start_object1,start_object2,start_combined,"
                               "iteration1_object1,iteration1_object2,iteration1_combined"));
    QFile b(bump);
    QVERIFY(b.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(b.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + 3 * 20);  // before the cut, then two cuts
    QVERIFY(rows[0].startsWith("efficiency,threshold,bin_lo,bin_hi,all,signal,background"));
  }

  void tagNTrainFromColumns() {
    // Starting scores −τ21 of each jet (two-prong jets are signal-like), no autoencoders.
    const QString models = m_dir.filePath("models");
    const Result r = runCli({"tnt", m_analysis, "--start", "-j1_tau21,-j2_tau21", "--quiet",
                             "--classifier", R"({"kind":"logistic"})", "--iterations", "2",
                             "--folds", "2", "--save-models", models});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(tableValue(r.out, "start_combined", 0) > 0.6, qPrintable(r.out));
    QVERIFY2(tableValue(r.out, "iteration1_combined", 0) > 0.8, qPrintable(r.out));
    QVERIFY2(tableValue(r.out, "iteration2_combined", 0) > 0.8, qPrintable(r.out));
    // Every step's classifiers: 2 iterations × 2 objects × 2 folds, each loadable by `apply`.
    const QStringList files = QDir(models).entryList({"*.h5"}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 8);
    QCOMPARE(files.first(), QString("iteration1_object1_fold1.h5"));
    QVERIFY2(r.out.contains("tagged     inside the window"), qPrintable(r.out));
    // --tag-in all: every event is tagged, not only the window's; other pseudo-labels, other
    // classifiers, another score.
    const Result all =
        runCli({"tnt", m_analysis, "--start", "-j1_tau21,-j2_tau21", "--quiet", "--classifier",
                R"({"kind":"logistic"})", "--iterations", "2", "--folds", "2", "--tag-in", "all"});
    QVERIFY2(all.exitCode == 0, qPrintable(all.err));
    QVERIFY2(all.out.contains("tagged     every event"), qPrintable(all.out));
    QVERIFY2(tableValue(all.out, "iteration1_combined", 0) !=
                 tableValue(r.out, "iteration1_combined", 0),
             qPrintable(all.out + r.out));
    const Result bad = runCli({"tnt", m_analysis, "--start", "-j1_tau12,-j2_tau21"});
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("j1_tau12"), qPrintable(bad.err));
  }

  void scanPrintsEveryPoint() {
    const QString csv = m_dir.filePath("scan.csv");
    const Result r = runCli({"sf-scan", m_analysis, "--fractions", "0.05,0.01", "--methods",
                             "supervised,autoencoder", "--out", csv, "--quiet", "--classifier",
                             R"({"kind":"gbdt","trees":40,"max_depth":3})"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QVERIFY(lines[1].startsWith("0.05,supervised,400,8000,"));
    QVERIFY(lines[4].startsWith("0.01,autoencoder,80,8000,"));
    QVERIFY(r.out.contains("supervised"));
  }

  void aStudyIsAddedRunAndSaved() {
    // A copy of the analysis beside the sample, turned into a project with a study.
    const QString project = m_dir.filePath("study.json");
    QFile::remove(project);
    QVERIFY(QFile::copy(m_analysis, project));
    Result r = runCli({"study", project});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("has no weak-supervision study"), qPrintable(r.err));
    r = runCli({"study", project, "--add", "x", "--start1", "-j1_tau21"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--start1 and --start2 go together"), qPrintable(r.err));
    r = runCli({"study", project, "--add", "x", "--start1", "-j1_tau21 *", "--start2", "j2_tau21"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("-j1_tau21 *") && r.err.contains("character"), qPrintable(r.err));
    const QStringList settings{
        "--classifier", R"({"kind":"logistic"})", "--iterations", "2", "--folds", "2", "--quiet"};
    r = runCli(QStringList{"study", project, "--add", "tau21 start", "--start1", "-j1_tau21",
                           "--start2", "-j2_tau21", "--no-supervised"} +
               settings);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("w1  tau21 start") && r.out.contains("tag purity"), qPrintable(r.out));
    QFile f(project);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray json = f.readAll();
    QVERIFY(json.contains("\"weak_studies\"") && json.contains("\"status\": \"done\""));
    QVERIFY(json.contains("\"tag_in_window\": true"));  // the default, written out

    // The same Tag N' Train through `tnt`: every event's final and first-step scores.
    const QString scores = m_dir.filePath("study_tnt.csv");
    r = runCli(
        QStringList{"tnt", m_analysis, "--start", "-j1_tau21,-j2_tau21", "--scores", scores} +
        settings);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile csv(scores);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    const QStringList header = lines[0].split(',');
    const auto col = [&](const QString& name) { return header.indexOf(name); };
    const QString sidecar = m_dir.filePath("study.results.h5");
    const std::vector<double> score = cli_test::readColumn(sidecar, "/studies/w1/score");
    const std::vector<double> step1 =
        cli_test::readColumn(sidecar, "/studies/w1/steps/step0/score1");
    QCOMPARE(score.size(), static_cast<std::size_t>(lines.size() - 1));
    QCOMPARE(step1.size(), score.size());
    for (qsizetype i = 1; i < lines.size(); ++i) {
      const QStringList cells = lines[i].split(',');
      const auto k = static_cast<std::size_t>(i - 1);
      const double a = cells[col("iteration2_combined")].toDouble();
      const double b = cells[col("iteration1_object1")].toDouble();
      QVERIFY2(std::abs(a - score[k]) <= 1e-7 * std::max(1.0, std::abs(a)),
               qPrintable(QString("event %1: %2 vs %3").arg(k).arg(a).arg(score[k])));
      QVERIFY2(std::abs(b - step1[k]) <= 1e-7 * std::max(1.0, std::abs(b)),
               qPrintable(QString("event %1: %2 vs %3").arg(k).arg(b).arg(step1[k])));
    }
    // Run again by name: the same scores (nothing else in the sidecar changes).
    r = runCli({"study", project, "--study", "tau21 start", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(cli_test::readColumn(sidecar, "/studies/w1/score") == score);
    r = runCli({"study", project, "--study", "tau21 strat"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("did you mean 'tau21 start'"), qPrintable(r.err));
  }

  // `run` on a project with studies runs them after the runs (all by default, --studies picks),
  // prints their table and with --save keeps them as `study` does; a project of studies only
  // runs them alone.
  void runRunsTheStudiesToo() {
    const QString project = m_dir.filePath("run_studies.json");
    copyProject(m_dir.filePath("study.json"), project);
    const QString sidecar = m_dir.filePath("run_studies.results.h5");
    const std::vector<double> before = cli_test::readColumn(sidecar, "/studies/w1/score");
    QVERIFY(!before.empty());
    Result r = runCli({"run", project, "--model", "logistic", "--studies", "w1", "--folds", "2",
                       "--save", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("logistic") && r.out.contains("weak-supervision studies"),
             qPrintable(r.out));
    // Same settings, same seeds: the same scores; the table's AUC is the stored one.
    QVERIFY(cli_test::readColumn(sidecar, "/studies/w1/score") == before);
    const std::vector<double> metrics = cli_test::readColumn(sidecar, "/studies/w1/metrics");
    QVERIFY(!metrics.empty());
    const double auc = tableValue(r.out, "w1  tau21 start", 2);  // after method and S/B
    QVERIFY2(std::abs(auc - metrics[0]) < 6e-4, qPrintable(r.out));
    // S/B of the selected events: 400 signal over 8000 background before the cut.
    const double sOverB = tableValue(r.out, "w1  tau21 start", 1);
    QVERIFY2(sOverB > 0.0 && sOverB < 0.2, qPrintable(r.out));
    r = runCli({"run", project, "--studies", "w7", "--model", "logistic"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("w7"), qPrintable(r.err));

    // Only studies: no runs in the file.
    const QString only = m_dir.filePath("only_studies.json");
    copyProject(m_dir.filePath("study.json"), only);
    QFile f(only);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    o["runs"] = QJsonArray();
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(o).toJson());
    f.close();
    QFile::remove(m_dir.filePath("only_studies.results.h5"));
    r = runCli({"run", only, "--out", m_dir.filePath("x.json")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--out is for runs"), qPrintable(r.err));
    r = runCli({"run", only, "--save", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("weak-supervision studies"), qPrintable(r.out));
    QVERIFY(cli_test::readColumn(m_dir.filePath("only_studies.results.h5"), "/studies/w1/score") ==
            before);
  }

  // `sf-scan --out DIR` writes the table (CSV, markdown) and the signal-fraction plots; --save
  // keeps the scan as a study, which `plots` draws with the other studies' plots; `study`
  // renames and removes studies.
  void scanIsAStudyWithFiles() {
    const QString project = m_dir.filePath("scan_project.json");
    copyProject(m_dir.filePath("study.json"), project);
    const QString out = m_dir.filePath("scan_out");
    Result r = runCli({"sf-scan", project, "--fractions", "0.05,0.01", "--methods",
                       "supervised,autoencoder", "--out", out, "--format", "png,svg", "--save",
                       "--name", "S/B scan", "--quiet", "--classifier",
                       R"({"kind":"gbdt","trees":40,"max_depth":3})"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    for (const char* name :
         {"scan.csv", "scan.md", "signal_fraction_sic.png", "signal_fraction_auc.png",
          "signal_fraction_rejection.png", "signal_fraction_sic.svg"})
      QVERIFY2(QFileInfo(out + "/" + name).size() > 0, name);
    QFile csv(out + "/scan.csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QVERIFY(lines[1].startsWith("0.05,supervised,400,8000,"));
    QFile md(out + "/scan.md");
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(md.readAll());
    QVERIFY2(markdown.startsWith("| S/B | method |") && markdown.count('\n') == 6,
             qPrintable(markdown));
    // The study: its points in the sidecar, the CSV's numbers.
    QFile pf(project);
    QVERIFY(pf.open(QIODevice::ReadOnly));
    const QJsonArray studies =
        QJsonDocument::fromJson(pf.readAll()).object()["weak_studies"].toArray();
    QCOMPARE(studies.size(), 2);
    QCOMPARE(studies[1].toObject()["method"].toString(), QString("scan"));
    QCOMPARE(studies[1].toObject()["name"].toString(), QString("S/B scan"));
    const QString sidecar = m_dir.filePath("scan_project.results.h5");
    const std::vector<double> points = cli_test::readColumn(sidecar, "/studies/w2/scan");
    QCOMPARE(points.size(), std::size_t{4 * 8});
    const double csvAuc = lines[1].split(',')[4].toDouble();  // the AUC, 9 digits in the CSV
    QVERIFY2(std::abs(points[3] - csvAuc) < 1e-8, qPrintable(lines[1]));
    QVERIFY(cli_test::readColumn(sidecar, "/studies/w1/score").size() == 8400);  // kept
    r = runCli({"sf-scan", project, "--fractions", "0.05", "--save", "--name", "S/B scan"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("already called 'S/B scan'"), qPrintable(r.err));

    // `plots` writes every study's plots.
    const QString plots = m_dir.filePath("study_plots");
    r = runCli({"plots", project, "--out", plots});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    for (const char* name :
         {"study_w1_tau21_start_bump_10pct.png", "study_w1_tau21_start_bump_1pct.png",
          "study_w1_tau21_start_bump_0.1pct.png", "study_w1_tau21_start_steps.png",
          "study_w2_S_B_scan_signal_fraction_sic.png", "study_w2_S_B_scan_signal_fraction_auc.png"})
      QVERIFY2(QFileInfo(plots + "/" + name).size() > 0, qPrintable(QString(name) + "\n" + r.out));
    r = runCli({"plots", project, "--out", plots, "--studies", "w9"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("w9"), qPrintable(r.err));

    // Renamed and removed from the command line.
    r = runCli({"study", project, "--rename", "w1", "TNT from tau21"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = runCli({"study", project, "--rename", "w2", "TNT from tau21"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("already called"), qPrintable(r.err));
    r = runCli({"study", project, "--remove", "S/B scan"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    pf.close();
    QVERIFY(pf.open(QIODevice::ReadOnly));
    const QJsonArray left =
        QJsonDocument::fromJson(pf.readAll()).object()["weak_studies"].toArray();
    QCOMPARE(left.size(), 1);
    QCOMPARE(left[0].toObject()["name"].toString(), QString("TNT from tau21"));
    QVERIFY(cli_test::readColumn(sidecar, "/studies/w2/scan").empty());
    QCOMPARE(cli_test::readColumn(sidecar, "/studies/w1/score").size(), std::size_t{8400});
    r = runCli({"study", project, "--remove", "w2"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("w2"), qPrintable(r.err));
  }

  // The bundled CWoLa example (issue 14, item 2): its classes are the signal region and the
  // sidebands of M_jj as class expressions, and `run` trains it k-fold. Checked against M_jj read
  // here from the file: the stored held-out events are exactly those in the window or its
  // sidebands, once each, with the region as their class, each in one of the three held-out
  // folds (scored by the model of the other two).
  void cwolaExampleTrainsTheWindowAgainstItsSidebands() {
    QFile src(cli_test::sourceDir() + "/resources/examples/dijet/dijet_cwola.analysis.json");
    QVERIFY(src.open(QIODevice::ReadOnly));
    QByteArray text = src.readAll();
    text.replace("dijet_synthetic.h5", "dijet.h5");
    const QString project = m_dir.filePath("cwola.json");
    QFile dst(project);
    QVERIFY(dst.open(QIODevice::WriteOnly));
    dst.write(text);
    dst.close();
    const Result r = runCli({"run", project, "--run", "1", "--folds", "3", "--save", "--quiet"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const std::vector<double> mjj = cli_test::readColumn(m_dir.filePath("dijet.h5"), "events/mjj");
    QVERIFY(mjj.size() > 8000);
    std::vector<int> region(mjj.size(), -1);  // 1 window, 0 sidebands, -1 neither
    std::size_t inWindow = 0, inSidebands = 0;
    for (std::size_t i = 0; i < mjj.size(); ++i) {
      // The file stores float32: compare as the expressions do, in float.
      const float m = static_cast<float>(mjj[i]);
      if (m >= 3300.0f && m <= 3700.0f)
        region[i] = 1;
      else if ((m >= 2900.0f && m < 3300.0f) || (m > 3700.0f && m <= 4100.0f))
        region[i] = 0;
      inWindow += region[i] == 1;
      inSidebands += region[i] == 0;
    }
    QVERIFY(inWindow > 100 && inSidebands > inWindow);
    const QString sidecar = m_dir.filePath("cwola.results.h5");
    const auto event = cli_test::readColumn(sidecar, "runs/r1/heldout/event");
    const auto cls = cli_test::readColumn(sidecar, "runs/r1/heldout/class");
    const auto fold = cli_test::readColumn(sidecar, "runs/r1/heldout/fold");
    const auto score = cli_test::readColumn(sidecar, "runs/r1/heldout/score");
    QCOMPARE(event.size(), inWindow + inSidebands);
    QCOMPARE(cls.size(), event.size());
    QCOMPARE(fold.size(), event.size());
    QCOMPARE(score.size(), event.size());
    std::vector<int> seen(mjj.size(), 0);
    std::vector<std::size_t> perFold(3, 0);
    for (std::size_t k = 0; k < event.size(); ++k) {
      const auto i = static_cast<std::size_t>(event[k]);
      QVERIFY(i < mjj.size());
      ++seen[i];
      QVERIFY2(region[i] == static_cast<int>(cls[k]),
               qPrintable(QString("event %1 (M_jj %2): class %3").arg(i).arg(mjj[i]).arg(cls[k])));
      QVERIFY(fold[k] >= 0 && fold[k] < 3);
      ++perFold[static_cast<std::size_t>(fold[k])];
      QVERIFY(std::isfinite(score[k]));
    }
    QVERIFY(std::all_of(seen.begin(), seen.end(), [](int n) { return n <= 1; }));
    for (std::size_t n : perFold) QVERIFY(n > event.size() / 4);  // three folds of about 1/3
  }

  void badOptionsAreNamed() {
    Result r = runCli({"sf-scan", m_analysis, "--methods", "cwolla"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("cwola"), qPrintable(r.err));
    r = runCli({"sf-scan", m_analysis, "--fractions", "0.5"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("needs 4000 signal events, the sample has 400"), qPrintable(r.err));
    r = runCli({"tnt", m_analysis, "--window", "3700,3300"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--window"), qPrintable(r.err));
    r = runCli({"tnt", m_analysis, "--tag-in", "sidebands"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--tag-in needs window or all, got 'sidebands'"), qPrintable(r.err));
    r = runCli({"tnt", m_analysis, "--object1", "jet1_*"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("jet1_"), qPrintable(r.err));
    r = runCli({"tnt", m_analysis, "--autoencoder", R"({"kind":"autoencoder","latent":0})"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("latent"), qPrintable(r.err));
  }

 private:
  QTemporaryDir m_dir;
  QString m_analysis;
};

QTEST_GUILESS_MAIN(TestCliWeak)
#include "test_cli_weak.moc"
