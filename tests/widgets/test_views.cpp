// The views built on ChartView and the editors: values checked against formulas written here,
// the cut editor against the real expression engine.
#include <QChart>
#include <QCompleter>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableWidget>
#include <QtTest>
#include <cmath>

#include "core/expr/expression.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/chart_view.h"
#include "widgets/cut_editor.h"
#include "widgets/feature_list.h"
#include "widgets/job_panel.h"
#include "widgets/loss_curve_view.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/runs_table_model.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/yields_table.h"

using namespace imbw;

namespace {

// The focal loss as REFERENCE.md writes it, independently of the view's code.
double focal(double alphaT, double gamma, double pt) {
  return -alphaT * std::pow(1.0 - pt, gamma) * std::log(pt);
}

// Value of a polyline at x by linear interpolation between its points.
double valueAt(const QList<QPointF>& pts, double x) {
  for (int i = 1; i < pts.size(); ++i)
    if (pts[i - 1].x() <= x && x <= pts[i].x()) {
      const double f = (x - pts[i - 1].x()) / (pts[i].x() - pts[i - 1].x());
      return pts[i - 1].y() + f * (pts[i].y() - pts[i - 1].y());
    }
  return std::nan("");
}

std::optional<ExpressionProblem> validateWithEngine(const QString& text,
                                                    const std::vector<std::string>& columns) {
  try {
    Expression::parse(text.toStdString()).bind(columns);
    return std::nullopt;
  } catch (const ExpressionError& e) {
    return ExpressionProblem{int(e.position()), int(e.length()), QString::fromStdString(e.what())};
  }
}

RunPlotData sampleRun(const QString& key) {
  RunPlotData r;
  r.key = key;
  r.label = "run " + key;
  r.color = runColor(0);
  r.roc = {QPointF(0, 0), QPointF(0.01, 0.2), QPointF(0.1, 0.5), QPointF(0.4, 0.8), QPointF(1, 1)};
  r.pr = {QPointF(0, 1), QPointF(0.2, 0.6), QPointF(0.8, 0.2), QPointF(1, 0.075)};
  r.ap = 0.2414;
  r.auc = 0.781;
  r.chance = 0.075;
  ClassScoreHistogram bkg{"background", {0, 0.5, 1}, {0.7, 0.3}, {0.72, 0.28}, 0.42};
  ClassScoreHistogram sig{"signal", {0, 0.5, 1}, {0.2, 0.8}, {0.15, 0.85}, 0.031};
  r.histograms = {bkg, sig};
  r.trainLoss = {QPointF(1, 0.6), QPointF(2, 0.5)};
  r.validationLoss = {QPointF(1, 0.62), QPointF(2, 0.55)};
  r.validationAp = {QPointF(1, 0.18), QPointF(2, 0.22)};
  r.significance.asimov = {QPointF(0.1, 1.0), QPointF(0.5, 2.0), QPointF(0.9, 1.5)};
  r.significance.sOverSqrtB = {QPointF(0.1, 1.1), QPointF(0.5, 2.2), QPointF(0.9, 1.7)};
  r.significance.sOverSqrtSB = {QPointF(0.1, 0.9), QPointF(0.5, 1.8), QPointF(0.9, 1.2)};
  r.significance.bestCut = 0.5;
  r.significance.bestZ = 2.0;
  return r;
}

}  // namespace

class TestViews : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void lossCurveMatchesFormula_data();
  void lossCurveMatchesFormula();
  void cutEditorShowsEngineErrors();
  void cutEditorUnderlinesTheSpan();
  void cutEditorCompletesColumnNames();
  void prViewShowsApAndChance();
  void rocViewSwitchesToRejection();
  void scoreHistogramsTestSolidTrainDashed();
  void historyUsesTwoAxes();
  void significanceMarksBestCut();
  void significanceLegendKeepsManyRunsReadable();
  void jobPanelScrollsManyJobs();
  void heatMapFillsAndClicks();
  void runsTableFormatsSortsRenames();
  void yieldsTableShowsNumbers();
  void featureListFiltersAndChecks();
  void jobPanelCancel();
  void jobPanelShowsTheWholeStageAndTheNewestRow();
};

void TestViews::lossCurveMatchesFormula_data() {
  QTest::addColumn<double>("alphaSig");
  QTest::addColumn<double>("alphaBkg");
  QTest::addColumn<double>("gamma");
  QTest::newRow("ce") << 1.0 << 1.0 << 0.0;
  QTest::newRow("weighted a=0.9") << 0.9 << 0.1 << 0.0;
  QTest::newRow("focal paper") << 0.25 << 0.75 << 2.0;
  QTest::newRow("focal g=5") << 0.5 << 0.5 << 5.0;
}

void TestViews::lossCurveMatchesFormula() {
  QFETCH(double, alphaSig);
  QFETCH(double, alphaBkg);
  QFETCH(double, gamma);
  LossCurveView view;
  view.setLoss(alphaSig, alphaBkg, gamma);
  const auto sig = view.chartView()->plottedPoints("signal");
  const auto bkg = view.chartView()->plottedPoints("background");
  QCOMPARE(sig.size(), LossCurveView::kPoints);
  QCOMPARE(bkg.size(), LossCurveView::kPoints);
  for (int i = 0; i < sig.size(); i += 7) {
    const double pt = sig[i].x();
    QVERIFY(pt > 0 && pt <= 1);
    QVERIFY(std::abs(sig[i].y() - focal(alphaSig, gamma, pt)) < 1e-9 * (1 + sig[i].y()));
    QVERIFY(std::abs(bkg[i].y() - focal(alphaBkg, gamma, bkg[i].x())) < 1e-9 * (1 + bkg[i].y()));
  }
  // Hand values: at p_t = 0.5, focal = α 0.5^γ ln 2.
  const double at05 = valueAt(sig, 0.5);
  QVERIFY(std::abs(at05 - alphaSig * std::pow(0.5, gamma) * std::log(2.0)) < 2e-3);
  QVERIFY(view.chartView()->seriesLegend("signal").contains(QString::number(alphaSig, 'g', 3)));
}

void TestViews::cutEditorShowsEngineErrors() {
  const std::vector<std::string> columns{"mjj", "deta_jj", "pt_j1"};
  CutEditor editor;
  editor.setValidator([&](const QString& t) { return validateWithEngine(t, columns); });
  QSignalSpy spy(&editor, &CutEditor::expressionEdited);
  editor.setText("mjj > 200");
  QVERIFY(editor.isValid());
  QVERIFY(editor.errorText().isEmpty());
  QVERIFY(!spy.isEmpty());
  QCOMPARE(spy.last().at(1).toBool(), true);

  editor.setText("mjjj > 200");
  QVERIFY(!editor.isValid());
  QVERIFY2(editor.errorText().contains("mjjj"), qPrintable(editor.errorText()));
  QVERIFY2(editor.errorText().contains("did you mean"), qPrintable(editor.errorText()));
  QCOMPARE(editor.problem()->position, 0);
  QCOMPARE(spy.last().at(1).toBool(), false);

  editor.setText("mjj > (200");
  QVERIFY(!editor.isValid());
  QVERIFY(!editor.errorText().isEmpty());

  // Typing fixes it: the message goes away.
  editor.setText("mjj > (200)");
  QVERIFY(editor.isValid());
  QVERIFY(editor.errorText().isEmpty());
}

void TestViews::cutEditorUnderlinesTheSpan() {
  CutEditor editor;
  editor.setValidator([](const QString& t) -> std::optional<ExpressionProblem> {
    const int i = static_cast<int>(t.indexOf("bad"));
    if (i < 0) return std::nullopt;
    return ExpressionProblem{i, 3, "bad word"};
  });
  editor.setText("x > 1 && bad");
  const auto marks = editor.editor()->extraSelections();
  QCOMPARE(marks.size(), 1);
  QCOMPARE(marks[0].cursor.selectionStart(), 9);
  QCOMPARE(marks[0].cursor.selectionEnd(), 12);
  QCOMPARE(marks[0].format.underlineStyle(), QTextCharFormat::WaveUnderline);
  QCOMPARE(editor.errorText(), QString("bad word"));
  editor.setText("x > 1");
  QVERIFY(editor.editor()->extraSelections().isEmpty());
}

void TestViews::cutEditorCompletesColumnNames() {
  CutEditor editor;
  editor.setColumnNames({"mjj", "deta_jj", "dphi_jj", "pt_j1"});
  editor.show();
  QVERIFY(QTest::qWaitForWindowExposed(&editor));
  editor.editor()->setFocus();
  QTest::keyClicks(editor.editor(), "de");
  QCompleter* c = editor.editor()->completer();
  QCOMPARE(c->completionPrefix(), QString("de"));
  QCOMPARE(c->completionCount(), 1);
  QCOMPARE(c->currentCompletion(), QString("deta_jj"));
  Q_EMIT c->activated("deta_jj");
  QCOMPARE(editor.text(), QString("deta_jj"));
}

void TestViews::prViewShowsApAndChance() {
  PrCurveView view;
  view.setRuns({sampleRun("r1")});
  ChartView* c = view.chartView();
  QCOMPARE(c->plottedPoints(PrCurveView::seriesKey("r1")).size(), 4);
  QVERIFY(c->seriesLegend(PrCurveView::seriesKey("r1")).contains("AP 0.241"));
  const auto chance = c->plottedPoints("chance");
  QCOMPARE(chance.size(), 2);
  QCOMPARE(chance[0].y(), 0.075);
  QCOMPARE(chance[1].y(), 0.075);
  // The chance line heads the legend, before every run, also when a run joins later.
  view.setRuns({sampleRun("r1"), sampleRun("r2")});
  QCOMPARE(c->seriesKeys().value(0), QString("chance"));
  view.setRuns({});
  RunPlotData early = sampleRun("r1");  // a live run before its first scores: no chance yet
  early.chance = std::nan("");
  view.setRuns({early});
  view.setRuns({sampleRun("r1"), sampleRun("r2")});
  const QStringList order = c->seriesKeys();
  QCOMPARE(order.size(), 3);
  QCOMPARE(order.value(0), QString("chance"));
  view.setRuns({});
  QVERIFY(c->seriesKeys().isEmpty());
}

void TestViews::rocViewSwitchesToRejection() {
  RocCurveView view;
  const RunPlotData run = sampleRun("r1");
  view.setRuns({run});
  ChartView* c = view.chartView();
  QCOMPARE(c->plottedPoints(RocCurveView::seriesKey("r1")), run.roc);
  QVERIFY(c->seriesLegend(RocCurveView::seriesKey("r1")).contains("AUC 0.781"));
  view.setMode(RocCurveView::Mode::Rejection);
  QVERIFY(c->logY());
  const auto rej = c->plottedPoints(RocCurveView::seriesKey("r1"));
  // (ε_S, 1/ε_B) for every ROC point with ε_B > 0: (0.2, 100), (0.5, 10), (0.8, 2.5), (1, 1).
  QCOMPARE(rej.size(), 4);
  QCOMPARE(rej[0], QPointF(0.2, 100.0));
  QCOMPARE(rej[1], QPointF(0.5, 10.0));
  QCOMPARE(rej[2], QPointF(0.8, 2.5));
  view.setMode(RocCurveView::Mode::Roc);
  QVERIFY(!c->logY());
  QCOMPARE(c->plottedPoints(RocCurveView::seriesKey("r1")), run.roc);
}

void TestViews::scoreHistogramsTestSolidTrainDashed() {
  ScoreHistogramView view;
  view.resize(800, 500);
  view.show();  // legend markers report visibility only in a shown chart
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.setRuns({sampleRun("r1")});
  ChartView* c = view.chartView();
  QCOMPARE(c->seriesKeys().size(), 4);
  for (const QString& key : c->seriesKeys()) QCOMPARE(c->plottedPoints(key).size(), 4);
  auto penOf = [&](const QString& legendPart) {
    for (auto* s : c->chart()->series())
      if (s->name().contains(legendPart)) return static_cast<QLineSeries*>(s)->pen().style();
    return Qt::NoPen;
  };
  QCOMPARE(penOf("signal: KS"), Qt::SolidLine);
  QCOMPARE(penOf("signal (train"), Qt::DashLine);
  bool ksShown = false;
  for (auto* s : c->chart()->series()) ksShown |= s->name().contains("KS p = 0.031");
  QVERIFY(ksShown);
  auto visibleMarkers = [c] {
    int n = 0;
    for (auto* m : c->chart()->legend()->markers()) n += m->isVisible() ? 1 : 0;
    return n;
  };
  // One legend entry per class, the training histograms' markers hidden (laid out on the next
  // pass of the event loop).
  QTRY_COMPARE(visibleMarkers(), 2);
  view.setLogY(true);
  QVERIFY(c->logY());
}

void TestViews::historyUsesTwoAxes() {
  TrainingHistoryView view;
  view.resize(800, 500);
  view.show();  // legend markers report visibility only in a shown chart
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  RunPlotData r2 = sampleRun("r2");
  r2.color = runColor(1);
  view.setRuns({sampleRun("r1"), r2});
  ChartView* c = view.chartView();
  QCOMPARE(c->seriesKeys().size(), 6);
  QCOMPARE(c->chart()->axes(Qt::Vertical).size(), 2);
  // One legend entry per run, named after the run; the line styles are keyed in the title.
  auto visibleLabels = [c] {
    QStringList out;
    for (auto* m : c->chart()->legend()->markers())
      if (m->isVisible()) out << m->label();
    return out;
  };
  // The legend lays its markers out on the next pass of the event loop.
  QTRY_COMPARE(visibleLabels(), (QStringList{"run r1", "run r2"}));
  QVERIFY(c->chart()->title().contains(TrainingHistoryView::styleKey().toHtmlEscaped()));
  auto penOf = [&](const QString& key) {
    for (auto* s : c->chart()->series())
      if (auto* xy = qobject_cast<QXYSeries*>(s);
          xy && c->plottedPoints(key) == xy->points() && xy->color() == runColor(0))
        return xy->pen().style();
    return Qt::NoPen;
  };
  QCOMPARE(penOf("r1/vloss"), Qt::SolidLine);
  QCOMPARE(penOf("r1/tloss"), Qt::DashLine);
  QCOMPARE(penOf("r1/vap"), Qt::DotLine);
}

void TestViews::significanceMarksBestCut() {
  SignificanceView view;
  QSignalSpy spy(&view, &SignificanceView::luminosityChanged);
  QCOMPARE(view.definition(), SignificanceView::Asimov);
  view.setRuns({sampleRun("r1")});
  ChartView* c = view.chartView();
  QCOMPARE(c->seriesKeys().size(), 2);  // one curve and its best-cut marker
  QCOMPARE(c->plottedPoints("r1/best"), QList<QPointF>{QPointF(0.5, 2.0)});
  QCOMPARE(c->plottedPoints("r1/z"), sampleRun("r1").significance.asimov);
  QCOMPARE(c->seriesLegend("r1/z"), QString("run r1"));
  QCOMPARE(view.bestCutText(), QString("run r1: best cut 0.5 → Z_A = 2.00"));
  QCOMPARE(view.bestCutTable()->rowCount(), 1);
  QCOMPARE(view.bestCutTable()->item(0, 0)->text(), QString("run r1"));
  QCOMPARE(view.bestCutTable()->item(0, 1)->text(), QString("0.5"));
  QCOMPARE(view.bestCutTable()->item(0, 2)->text(), QString("2.00"));
  QVERIFY(c->axisTitleY().contains("Z_A"));
  // Another definition: its own curve; without a producer's best cut, the curve's maximum.
  view.setDefinition(SignificanceView::SOverSqrtB);
  QCOMPARE(c->plottedPoints("r1/z"), sampleRun("r1").significance.sOverSqrtB);
  QCOMPARE(c->plottedPoints("r1/best"), QList<QPointF>{QPointF(0.5, 2.2)});
  QCOMPARE(view.bestCutText(), QString("run r1: best cut 0.5 → s/√b = 2.20"));
  RunPlotData withBest = sampleRun("r1");
  withBest.significance.bestCutSOverSqrtSB = 0.1;
  withBest.significance.bestSOverSqrtSB = 0.9;
  view.setDefinition(SignificanceView::SOverSqrtSB);
  view.setRuns({withBest});
  QCOMPARE(c->plottedPoints("r1/best"), QList<QPointF>{QPointF(0.1, 0.9)});
  QVERIFY(c->axisTitleY().contains("s/√(s+b)"));
  view.setLuminosity(4.0);
  QCOMPARE(spy.size(), 1);
  QCOMPARE(spy[0][0].toDouble(), 4.0);
}

// Twelve runs with long names (an α–γ scan): every run's name, best cut and Z_A is shown in
// full below the plot, none elided (a chart legend would cut them to fit its width).
void TestViews::significanceLegendKeepsManyRunsReadable() {
  SignificanceView view;
  view.resize(900, 600);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  QList<RunPlotData> runs;
  for (int i = 0; i < 12; ++i) {
    RunPlotData r = sampleRun(QString("k%1").arg(i));
    r.label = QString("GBDT focal scan α=0.%1 γ=%2 (300 trees, depth 4)").arg(i + 10).arg(i % 3);
    r.color = runColor(i);
    r.significance.bestCut = 0.05 * (i + 1);
    r.significance.bestZ = 1.0 + 0.25 * i;
    runs << r;
  }
  view.setRuns(runs);
  QTableWidget* t = view.bestCutTable();
  QCOMPARE(t->rowCount(), 12);
  QVERIFY(!view.chartView()->chart()->legend()->isVisible());
  QCoreApplication::sendPostedEvents();  // the header lays out its sections
  for (int r = 0; r < 12; ++r) {
    QCOMPARE(t->item(r, 0)->text(), runs[r].label);
    QCOMPARE(t->item(r, 1)->text(), QString::number(0.05 * (r + 1), 'g', 2));
    QCOMPARE(t->item(r, 2)->text(), QString::number(1.0 + 0.25 * r, 'f', 2));
    for (int c = 0; c < 3; ++c) {
      const int need = t->fontMetrics().horizontalAdvance(t->item(r, c)->text());
      QVERIFY2(t->columnWidth(c) >= need, qPrintable(t->item(r, c)->text()));
    }
  }
  // The table scrolls past five rows; the plot keeps most of the height.
  QVERIFY(t->height() < view.height() / 3);
  QVERIFY(view.chartView()->height() > view.height() / 2);
}

// A queued scan of many runs scrolls inside the panel instead of raising its minimum height
// (which made the window taller and the runs dock cover half of it).
void TestViews::jobPanelScrollsManyJobs() {
  JobPanel panel;
  const int before = panel.minimumSizeHint().height();
  for (int i = 0; i < 20; ++i) panel.addJob(QString("k%1").arg(i), QString("run %1").arg(i));
  QCOMPARE(panel.jobCount(), 20);
  QVERIFY2(panel.minimumSizeHint().height() <= std::max(before, 120),
           qPrintable(QString::number(panel.minimumSizeHint().height())));
  QVERIFY(panel.cancelButton("k19"));
}

void TestViews::heatMapFillsAndClicks() {
  AlphaGammaHeatMap map;
  map.resize(400, 300);
  map.setGrid({0.25, 0.5, 0.75}, {0, 1, 2}, "AP");
  QCOMPARE(map.filledCells(), 0);
  map.setCell(1, 2, "runX", 0.23);
  map.setCell(0, 0, "runY", std::nan(""));
  QCOMPARE(map.filledCells(), 1);
  QCOMPARE(map.value(1, 2), 0.23);
  QSignalSpy spy(&map, &AlphaGammaHeatMap::runClicked);
  QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellRect(1, 2).center());
  QCOMPARE(spy.size(), 1);
  QCOMPARE(spy[0][0].toString(), QString("runX"));
  QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellRect(2, 2).center());  // empty cell
  QCOMPARE(spy.size(), 1);
  QVERIFY(!map.grab().isNull());
}

void TestViews::runsTableFormatsSortsRenames() {
  QCOMPARE(RunsTableModel::formatMeanStd({0.2414, 0.0052}), QString("0.2414 ± 0.0052"));
  QCOMPARE(RunsTableModel::formatMeanStd({30.94, 5.2}), QString("30.9 ± 5.2"));
  QCOMPARE(RunsTableModel::formatMeanStd({84.0, 24.0}), QString("84 ± 24"));
  QVERIFY(RunsTableModel::formatMeanStd({std::nan(""), 0}).isEmpty());

  RunsTableModel model;
  RunRow a;
  a.key = "a";
  a.name = "A";
  a.ap = {0.20, 0.01};
  RunRow b = a;
  b.key = "b";
  b.name = "B";
  b.ap = {0.25, 0.01};
  model.addRun(a);
  model.addRun(b);
  QSortFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  proxy.setSortRole(RunsTableModel::SortRole);
  proxy.sort(RunsTableModel::Ap, Qt::DescendingOrder);
  QCOMPARE(proxy.index(0, 0).data(RunsTableModel::KeyRole).toString(), QString("b"));
  // Editing the name asks for a rename (the window makes the name unique and updates the row).
  QSignalSpy renamed(&model, &RunsTableModel::runRenamed);
  QVERIFY(model.setData(model.index(0, RunsTableModel::Name), "better name", Qt::EditRole));
  QCOMPARE(renamed.size(), 1);
  QCOMPARE(renamed.at(0).at(1).toString(), QString("better name"));
  RunRow a2 = a;
  a2.name = "better name (2)";
  a2.status = "done";
  model.updateRun(a2);
  QCOMPARE(model.run("a")->name, QString("better name (2)"));
  QCOMPARE(model.run("a")->status, QString("done"));
  // The show box: checked by default, unticking tells the window.
  QCOMPARE(model.index(0, RunsTableModel::Show).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
  QVERIFY(model.flags(model.index(0, RunsTableModel::Show)) & Qt::ItemIsUserCheckable);
  QSignalSpy toggled(&model, &RunsTableModel::shownToggled);
  QVERIFY(model.setData(model.index(0, RunsTableModel::Show), Qt::Unchecked, Qt::CheckStateRole));
  QCOMPARE(toggled.size(), 1);
  QCOMPARE(toggled.at(0).at(1).toBool(), false);
  QVERIFY(!model.run("a")->shown);
  model.removeRun("a");
  QCOMPARE(model.rowCount(), 1);
}

void TestViews::yieldsTableShowsNumbers() {
  YieldsTable table;
  ClassYields bkg{"background", false, 100, 100.0, 100.0, 40, 40.0, 40.0};
  ClassYields sig{"signal", true, 10, 10.0, 10.0, 8, 8.0, 8.0};
  table.setYields({bkg, sig}, {10.0 / 110, 10.0 / 110}, {8.0 / 48, 8.0 / 48});
  QCOMPARE(table.rowCount(), 4);
  QCOMPARE(table.cellText(0, 0), QString("100"));
  QCOMPARE(table.cellText(0, 2), QString("40"));
  QCOMPARE(table.cellText(1, 4), QString("0.8000"));
  // Σw ± √Σw² rounded as a physicist writes it: two digits of the uncertainty, the yield to
  // the same place, no exponents.
  QCOMPARE(table.cellText(0, 3), QString("40.0 ± 6.3"));
  QCOMPARE(table.cellText(2, 2), QString("0.1667"));
  ClassYields many{"background", false, 50000, 50000.0, 50000.0, 50000, 50000.0, 50000.0};
  ClassYields rare{"signal", true, 4999, 12.844, 0.0676, 2000, 5.9929, 0.0289};
  table.setYields({many, rare}, {0.1, 0.1}, {0.1, 0.1});
  QCOMPARE(table.cellText(0, 1), QString("50000 ± 224"));
  QCOMPARE(table.cellText(1, 1), QString("12.84 ± 0.26"));
  QCOMPARE(table.cellText(1, 3), QString("5.99 ± 0.17"));
}

void TestViews::featureListFiltersAndChecks() {
  FeatureList list;
  QSignalSpy spy(&list, &FeatureList::checkedFeaturesChanged);
  list.setFeatures({"pt_j1", "pt_j2", "mjj", "deta_jj"}, {"mjj"});
  QCOMPARE(list.checkedFeatures(), QStringList{"mjj"});
  list.setFilter("pt");
  QCOMPARE(list.visibleCount(), 2);
  list.setFilter("");
  QCOMPARE(list.visibleCount(), 4);
  list.setChecked("pt_j1", true);
  QCOMPARE(spy.size(), 1);
  QCOMPARE(list.checkedFeatures(), (QStringList{"pt_j1", "mjj"}));
  list.setDistribution("mjj", {ClassScoreHistogram{"background", {0, 1, 2}, {0.5, 0.5}, {}, 0},
                               ClassScoreHistogram{"signal", {0, 1, 2}, {0.2, 0.8}, {}, 0}});
  QCOMPARE(list.chartView()->seriesKeys().size(), 2);
  QCOMPARE(list.chartView()->axisTitleX(), QString("mjj"));
}

void TestViews::jobPanelCancel() {
  JobPanel panel;
  panel.addJob("j1", "gbdt");
  panel.setProgress("j1", 0.4, "fold 2/5: 40% trees");
  QVERIFY(panel.stageText("j1").contains("fold 2/5"));
  QSignalSpy spy(&panel, &JobPanel::cancelRequested);
  QTest::mouseClick(panel.cancelButton("j1"), Qt::LeftButton);
  QCOMPARE(spy.size(), 1);
  QCOMPARE(spy[0][0].toString(), QString("j1"));
  panel.removeJob("j1");
  QCOMPARE(panel.jobCount(), 0);
}

void TestViews::jobPanelShowsTheWholeStageAndTheNewestRow() {
  // A narrow runs dock: the stage was drawn inside the bar and cut off at its end.
  JobPanel panel;
  panel.resize(320, 160);
  panel.show();
  QVERIFY(QTest::qWaitForWindowExposed(&panel));
  const QString stage = "fold 2/5: boosting round 340 of 500, 12 s left";
  panel.addJob("j1", "gbdt balanced");
  panel.setProgress("j1", 0.4, stage);
  QCOMPARE(panel.stageText("j1"), stage);
  QLabel* line = panel.stageLabel("j1");
  QVERIFY(line);
  QTRY_VERIFY(line->isVisible() && line->width() > 0);
  // Shown whole: the wrapped text's height fits the label, and the label is not wider than the
  // panel.
  QTRY_VERIFY(line->heightForWidth(line->width()) <= line->height());
  QVERIFY(line->mapTo(&panel, QPoint(line->width(), 0)).x() <= panel.width());
  panel.addJob("j0", "GBDT weighted (alpha = 1 - r, 1000 trees, lr 0.01)");
  auto* name = panel.cancelButton("j0")->parentWidget()->findChildren<QLabel*>().value(0);
  QVERIFY(name && name->text().startsWith("GBDT weighted"));
  QTRY_VERIFY(name->isVisible() && name->heightForWidth(name->width()) <= name->height());
  // A queued scan: a dozen rows; the newest is scrolled into view whole.
  for (int i = 2; i <= 12; ++i)
    panel.addJob(QString("j%1").arg(i), QString("scan point %1").arg(i));
  auto* scroll = panel.findChild<QScrollArea*>("jobScroll");
  QVERIFY(scroll);
  QWidget* last = panel.cancelButton("j12")->parentWidget();
  QTRY_VERIFY(last->isVisible());
  QTRY_VERIFY(scroll->viewport()->rect().contains(
      QRect(last->mapTo(scroll->viewport(), QPoint(0, 0)), last->size())));
}

QTEST_MAIN(TestViews)
#include "test_views.moc"
