// Runs-table formatting against hand-worked roundings (the Particle Data Group's rule, worked
// out by hand below) and by reading the machine formats back.

#include <QtTest/QtTest>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/export/runs_table_format.h"
#include "core/export/runs_table_rows.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"

namespace {

imbw::RunsTable paperTable() {
  imbw::RunsTable t;
  t.rows = {
      {"GBDT focal, α = 0.25",
       "gbdt trees=1000 lr=0.01",
       {{"ap", {0.24137, 0.00523, 5}},
        {"auc", {0.78149, 0.004812, 5}},
        {"fit_seconds", {9.73, 0.684, 5}}}},
      {"RF & \"weighted\"_1",
       "random_forest, depth 10",
       {{"ap", {0.2271, 0.0134, 5}},
        {"auc", {0.7681, 0.0097, 5}},
        {"fit_seconds", {84.3, 24.2, 5}}}},
      {"Δφ_jj", "one_variable", {{"ap", {0.12, 0.0, 1}}, {"auc", {std::nan(""), 0.0, 0}}}},
  };
  t.columns = imbw::RunsTable::defaultColumns(t.rows);
  return t;
}

std::vector<std::string> splitLines(const std::string& s) {
  std::vector<std::string> out;
  std::string line;
  std::istringstream in(s);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> splitFields(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  bool quoted = false;
  const bool csv = sep == ',';  // TSV has no quoting
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (csv && c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

class TestRunsTableFormat : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundingFollowsThePdgRule_data() {
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("sd");
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("meanText");
    QTest::addColumn<QString>("sdText");
    // std's three leading digits: 523 → one digit; 134 → two; 970 → 1.0 of the next decade;
    // 242 → two (units); 354 → two (tens); 355 → one; no spread → three significant digits.
    QTest::newRow("523") << 0.24137 << 0.00523 << 5 << "0.241"
                         << "0.005";
    QTest::newRow("134") << 0.2271 << 0.0134 << 5 << "0.227"
                         << "0.013";
    QTest::newRow("970") << 0.7681 << 0.0097 << 5 << "0.768"
                         << "0.010";
    QTest::newRow("242") << 84.3 << 24.2 << 5 << "84"
                         << "24";
    QTest::newRow("354") << 1234.0 << 354.0 << 5 << "1230"
                         << "350";
    QTest::newRow("355") << 1234.0 << 355.0 << 5 << "1200"
                         << "400";
    QTest::newRow("684") << 9.73 << 0.684 << 5 << "9.7"
                         << "0.7";
    QTest::newRow("one fold") << 0.12 << 0.0 << 1 << "0.120"
                              << "";
    QTest::newRow("carry") << 9.9996 << 0.0 << 1 << "10.0"
                           << "";
    QTest::newRow("large") << 35.14 << 8.9 << 5 << "35"
                           << "9";
  }
  void roundingFollowsThePdgRule() {
    QFETCH(double, mean);
    QFETCH(double, sd);
    QFETCH(int, n);
    QFETCH(QString, meanText);
    QFETCH(QString, sdText);
    const auto r = imbw::roundMeanStd({mean, sd, static_cast<std::size_t>(n)});
    QCOMPARE(QString::fromStdString(r.mean), meanText);
    QCOMPARE(QString::fromStdString(r.std), sdText);
  }

  void csvReadsBackAsTheInputs() {
    const auto t = paperTable();
    const auto lines = splitLines(imbw::formatRunsTable(t, imbw::TableFormat::Csv));
    QCOMPARE(lines.size(), t.rows.size() + 1);
    const auto header = splitFields(lines[0], ',');
    QCOMPARE(header.size(), 2 + 3 * t.columns.size());
    QCOMPARE(header[2], std::string("fit_seconds_mean"));  // the engine's order: t_fit, AP, AUC
    QCOMPARE(header[5], std::string("ap_mean"));
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto f = splitFields(lines[r + 1], ',');
      QCOMPARE(f.size(), header.size());
      QCOMPARE(f[0], t.rows[r].name);
      QCOMPARE(f[1], t.rows[r].config);
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        const auto it = t.rows[r].metrics.find(t.columns[c].key);
        const std::string& m = f[2 + 3 * c];
        if (it == t.rows[r].metrics.end()) {
          QVERIFY(m.empty());
        } else if (std::isnan(it->second.mean)) {
          QVERIFY(m.empty());
        } else {
          QCOMPARE(std::stod(m), it->second.mean);  // exact: shortest round-trip text
          QCOMPARE(std::stod(f[3 + 3 * c]), it->second.std);
          QCOMPARE(std::stoul(f[4 + 3 * c]), it->second.n);
        }
      }
    }
  }

  void jsonReadsBackAsTheInputs() {
    const auto t = paperTable();
    const auto j = nlohmann::json::parse(imbw::formatRunsTable(t, imbw::TableFormat::Json));
    QCOMPARE(j.size(), t.rows.size());
    QCOMPARE(j[1]["name"].get<std::string>(), t.rows[1].name);
    QCOMPARE(j[1]["metrics"]["auc"]["mean"].get<double>(), 0.7681);
    QCOMPARE(j[1]["metrics"]["auc"]["std"].get<double>(), 0.0097);
    QCOMPARE(j[1]["metrics"]["auc"]["n"].get<int>(), 5);
    QVERIFY(j[2]["metrics"]["auc"]["mean"].is_null());
  }

  void latexIsTheBooktabsTableOfThePaper() {
    const std::string tex = imbw::formatRunsTable(paperTable(), imbw::TableFormat::Latex);
    const auto lines = splitLines(tex);
    QVERIFY(tex.find("\\begin{tabular}{lccc}") != std::string::npos);
    QVERIFY(tex.find("\\toprule") != std::string::npos);
    QVERIFY(tex.find("\\midrule") != std::string::npos);
    QVERIFY(tex.find("\\bottomrule") != std::string::npos);
    QVERIFY(tex.find("Run & $t_\\mathrm{fit}$ [s] & AP & AUC \\\\") != std::string::npos);
    QVERIFY2(tex.find("GBDT focal, α = 0.25 & $9.7 \\pm 0.7$ & $0.241 \\pm 0.005$ & "
                      "$0.781 \\pm 0.005$ \\\\") != std::string::npos,
             tex.c_str());
    // Special characters of a run name are escaped; NaN shows as a dash; a missing metric is
    // an empty cell.
    QVERIFY2(tex.find("RF \\& \"weighted\"\\_1 & $84 \\pm 24$ & $0.227 \\pm 0.013$ & "
                      "$0.768 \\pm 0.010$ \\\\") != std::string::npos,
             tex.c_str());
    QVERIFY2(tex.find("Δφ\\_jj &  & $0.120$ & -- \\\\") != std::string::npos, tex.c_str());
  }

  void markdownAndTsv() {
    const auto t = paperTable();
    const auto md = splitLines(imbw::formatRunsTable(t, imbw::TableFormat::Markdown));
    QCOMPARE(md[0], std::string("| run | t_fit [s] | AP | AUC |"));
    QCOMPARE(md[1], std::string("|---|---:|---:|---:|"));
    QCOMPARE(md[2],
             std::string("| GBDT focal, α = 0.25 | 9.7 ± 0.7 | 0.241 ± 0.005 | 0.781 ± 0.005 |"));
    QCOMPARE(md[4], std::string("| Δφ_jj |  | 0.120 | – |"));
    const auto tsv = splitLines(imbw::formatRunsTable(t, imbw::TableFormat::Tsv));
    QCOMPARE(splitFields(tsv[0], '\t'),
             (std::vector<std::string>{"run", "config", "t_fit [s]", "t_fit [s] std", "AP",
                                       "AP std", "AUC", "AUC std"}));
    QCOMPARE(splitFields(tsv[2], '\t'),
             (std::vector<std::string>{"RF & \"weighted\"_1", "random_forest, depth 10", "84", "24",
                                       "0.227", "0.013", "0.768", "0.010"}));
  }

  void rowsFromRunResults() {
    imbw::RunResult focal;
    focal.config = imbw::RunConfig::fromJson(
        {{"name", "GBDT focal"},
         {"model", {{"kind", "gbdt"}, {"trees", 1000}, {"learning_rate", 0.01}}},
         {"loss", {{"kind", "focal"}, {"alpha", 0.25}, {"gamma", 2}}},
         {"folds", 5}});
    focal.name = "GBDT focal";
    focal.aggregate = {{"ap", {0.241, 0.005, 5}}, {"auc", {0.782, 0.005, 5}}};
    imbw::RunResult weighted;
    weighted.config =
        imbw::RunConfig::fromJson({{"model", {{"kind", "mlp"}, {"hidden", {150, 150}}}},
                                   {"loss", {{"kind", "weighted_cross_entropy"}, {"alpha", "1-r"}}},
                                   {"resample", {{"kind", "random_under"}, {"ratio", 0.5}}},
                                   {"folds", 3}});
    weighted.name = "net";
    weighted.aggregate = {{"ap", {0.244, 0.008, 3}}, {"fit_seconds", {280, 30, 3}}};
    imbw::RunResult forest;
    forest.config = imbw::RunConfig::fromJson({{"model", {{"kind", "random_forest"}}}});
    forest.name = "rf";

    QCOMPARE(imbw::runConfigSummary(focal.config),
             std::string("gbdt learning_rate=0.01 trees=1000; focal α=0.25 γ=2; 5 folds"));
    QCOMPARE(imbw::runConfigSummary(weighted.config),
             std::string("mlp hidden=[150,150]; weighted_cross_entropy α=1−r; random_under "
                         "ratio=0.5; 3 folds"));
    QCOMPARE(imbw::runConfigSummary(forest.config), std::string("random_forest; 5 folds"));

    const imbw::RunsTable t = imbw::runsTable({&focal, &weighted, &forest});
    QCOMPARE(t.rows.size(), std::size_t{3});
    QCOMPARE(t.rows[1].name, std::string("net"));
    QCOMPARE(t.columns.size(), std::size_t{3});  // t_fit, AP, AUC: the union, engine order
    QCOMPARE(t.columns[0].key, std::string("fit_seconds"));
    QCOMPARE(t.columns[2].key, std::string("auc"));
    const std::string md = imbw::formatRunsTable(t, imbw::TableFormat::Markdown);
    QVERIFY2(md.find("| net | 280 ± 30 | 0.244 ± 0.008 |  |") != std::string::npos, md.c_str());
  }

  void unknownFormatIsNamed() {
    try {
      imbw::parseTableFormat("xlsx");
      QFAIL("xlsx accepted");
    } catch (const imbw::Error& e) {
      QVERIFY(std::string(e.what()).find("'xlsx'") != std::string::npos);
    }
  }
};

QTEST_GUILESS_MAIN(TestRunsTableFormat)
#include "test_runs_table_format.moc"
