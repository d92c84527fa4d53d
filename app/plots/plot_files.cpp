#include "app/plots/plot_files.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>

#include "core/util/error.h"
#include "widgets/alpha_gamma_heat_map.h"
#include "widgets/chart_view.h"
#include "widgets/pr_curve_view.h"
#include "widgets/roc_curve_view.h"
#include "widgets/score_histogram_view.h"
#include "widgets/significance_view.h"
#include "widgets/training_history_view.h"
#include "widgets/widget_export.h"

namespace imbw {

QStringList parsePlotFormats(const QString& text) {
  QStringList out;
  for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
    const QString f = part.trimmed().toLower();
    if (f != "png" && f != "svg" && f != "pdf")
      throw Error("'" + part.toStdString() + "' is not a plot format (png, svg or pdf)");
    if (!out.contains(f)) out << f;
  }
  if (out.isEmpty()) throw Error("no plot format given (png, svg or pdf)");
  return out;
}

QString fileSlug(const QString& name) {
  QString s;
  for (const QChar c : name) {
    const bool keep = (c.isLetterOrNumber() && c.unicode() < 128) || c == '-' || c == '_';
    s += keep ? c : QChar('_');
  }
  while (s.contains("__")) s.replace("__", "_");
  while (s.startsWith('_')) s.remove(0, 1);
  while (s.endsWith('_')) s.chop(1);
  return s.isEmpty() ? QStringLiteral("run") : s;
}

QString projectPlotLabel(const Project& project) {
  const auto it = project.analysis.extra.find("plotLabel");
  if (it == project.analysis.extra.end()) return {};
  if (!it->is_string()) throw Error("\"plotLabel\" must be a string (lines split at \\n)");
  return QString::fromStdString(it->get<std::string>());
}

QString projectUnit(const Project& project, const QString& column) {
  const auto it = project.analysis.extra.find("units");
  if (it == project.analysis.extra.end()) return {};
  if (!it->is_object()) throw Error("\"units\" must be an object of column names to units");
  const auto u = it->find(column.toStdString());
  if (u == it->end()) return {};
  if (!u->is_string())
    throw Error("\"units\": the unit of '" + column.toStdString() + "' must be a string");
  return QString::fromStdString(u->get<std::string>());
}

namespace {

/// BASE.F for every format F of `o`.
QStringList formatPaths(const QString& base, const PlotFileOptions& o) {
  QStringList paths;
  for (const QString& f : o.formats) paths << base + "." + f;
  return paths;
}

}  // namespace

bool PlotSteps::runNext() {
  if (done()) return false;
  // Advanced first: a step that throws is not run again.
  m_steps[m_next++]();
  return true;
}

QStringList PlotSteps::runAll() {
  while (runNext()) {
  }
  return written;
}

void prepareChart(ChartView* chart, const PlotFileOptions& o) {
  chart->resize(o.size);
  chart->setLabelBlock(o.label);
}

void holdChartLayouts(QWidget* view) {
  QList<QChartView*> views = view->findChildren<QChartView*>();
  if (auto* v = qobject_cast<QChartView*>(view)) views << v;
  for (QChartView* v : views)
    if (v->chart()) QCoreApplication::removePostedEvents(v->chart(), QEvent::LayoutRequest);
}

void layoutChart(ChartView* chart) {
  // Qt Charts removes replaced axes (linear ↔ log) with deleteLater and lays out after a
  // resize with posted events: without an event loop (the CLI) the old axes would still be
  // drawn, over the new ones. Deliver exactly those posted events (no input, no timers).
  QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
  QCoreApplication::sendPostedEvents();
  // The layout request holdChartLayouts took back, delivered as the event loop would.
  QEvent request(QEvent::LayoutRequest);
  QCoreApplication::sendEvent(chart->chart(), &request);
}

void layoutChartForExport(ChartView* chart, QWidget* view) {
  chart->beginExport();
  holdChartLayouts(view);
}

void writeLaidOutChart(ChartView* chart, const QString& base, const PlotFileOptions& o,
                       QStringList& written) {
  if (o.writeLater) {
    const QStringList paths = formatPaths(base, o);
    o.writeLater(paths, chart->record());
    written += paths;
    return;
  }
  for (const QString& path : formatPaths(base, o)) {
    QString error;
    if (!chart->exportTo(path, &error, o.dpi))
      throw Error("cannot write the plot '" + path.toStdString() + "': " + error.toStdString());
    written << path;
  }
}

QList<PlotFile> plotFileList(const ProjectPlots& plots) {
  using K = PlotFile::Kind;
  QList<PlotFile> out;
  if (!plots.runs.isEmpty()) {
    out << PlotFile{K::Roc, 0, "roc"} << PlotFile{K::Rejection, 0, "rejection"}
        << PlotFile{K::Pr, 0, "pr"} << PlotFile{K::Significance, 0, "significance"};
    bool history = false;
    for (const RunPlotData& r : plots.runs)
      history = history || !r.trainLoss.isEmpty() || !r.validationLoss.isEmpty() ||
                !r.validationAp.isEmpty();
    if (history) out << PlotFile{K::History, 0, "history"};
    for (int i = 0; i < plots.runs.size(); ++i) {
      const RunPlotData& r = plots.runs[i];
      if (r.histograms.isEmpty()) continue;
      const QString base = "scores_" + r.key + "_" + fileSlug(r.label);
      out << PlotFile{K::Scores, i, base};
      bool train = false;
      for (const ClassScoreHistogram& h : r.histograms) train = train || !h.train.isEmpty();
      if (train) out << PlotFile{K::ScoresRatio, i, base + "_ratio"};
    }
  }
  for (int i = 0; i < plots.scans.size(); ++i)
    out << PlotFile{K::HeatMap, i, "heatmap_" + fileSlug(plots.scans[i].id)};
  return out;
}

std::unique_ptr<PlotSteps> plotFileSteps(const ProjectPlots& plots, const PlotFile& file,
                                         const QString& dir, const PlotFileOptions& options) {
  using K = PlotFile::Kind;
  const QString base = QDir(dir).filePath(file.base);
  auto steps = std::make_unique<PlotSteps>();
  const ProjectPlots* p = &plots;
  switch (file.kind) {
    case K::Roc:
    case K::Rejection: {
      const bool rejection = file.kind == K::Rejection;
      addChartSteps<RocCurveView>(
          *steps,
          [p, rejection](RocCurveView& v) {
            // The mode first: the curves are made once, on the rejection's log axis.
            if (rejection) v.setMode(RocCurveView::Mode::Rejection);
            v.setRuns(p->runs);
          },
          [](RocCurveView& v) { return v.chartView(); }, base, options);
      break;
    }
    case K::Pr:
      addChartSteps<PrCurveView>(
          *steps, [p](PrCurveView& v) { v.setRuns(p->runs); },
          [](PrCurveView& v) { return v.chartView(); }, base, options);
      break;
    case K::Significance:
      addChartSteps<SignificanceView>(
          *steps, [p](SignificanceView& v) { v.setRuns(p->runs); },
          [](SignificanceView& v) { return v.chartView(); }, base, options);
      break;
    case K::History:
      addChartSteps<TrainingHistoryView>(
          *steps, [p](TrainingHistoryView& v) { v.setRuns(p->runs); },
          [](TrainingHistoryView& v) { return v.chartView(); }, base, options);
      break;
    case K::Scores:
    case K::ScoresRatio: {
      const int index = file.index;
      const bool ratio = file.kind == K::ScoresRatio;
      addChartSteps<ScoreHistogramView>(
          *steps,
          [p, index](ScoreHistogramView& v) {
            v.setRuns({p->runs.at(index)});
            v.nameRunInTitles();  // a file of its own: no run box names the run
          },
          [ratio](ScoreHistogramView& v) -> ChartView* {
            if (!ratio) return v.chartView();
            // The line at 1 and a class ratio, or nothing to compare (no file).
            return v.ratioView()->seriesKeys().size() > 1 ? v.ratioView() : nullptr;
          },
          base, options);
      break;
    }
    case K::HeatMap: {
      auto map = std::make_shared<std::unique_ptr<AlphaGammaHeatMap>>();
      const int index = file.index;
      steps->then([map, p, index] {
        const ScanHeatMapData& s = p->scans.at(index);
        *map = std::make_unique<AlphaGammaHeatMap>();
        (*map)->setGrid(s.alphas, s.gammas, s.metricName);
        for (const auto& c : s.cells) (*map)->setCell(c.alpha, c.gamma, c.runKey, c.value);
      });
      steps->then([map, base, options, written = &steps->written] {
        if (options.writeLater) {
          const QStringList paths = formatPaths(base, options);
          options.writeLater(paths, recordWidget(**map, options.size));
          *written += paths;
        } else {
          for (const QString& path : formatPaths(base, options)) {
            QString error;
            if (!exportWidget(**map, path, options.size, &error, options.dpi))
              throw Error("cannot write the plot '" + path.toStdString() +
                          "': " + error.toStdString());
            *written << path;
          }
        }
        map->reset();
      });
      break;
    }
  }
  return steps;
}

QStringList writePlotFile(const ProjectPlots& plots, const PlotFile& file, const QString& dir,
                          const PlotFileOptions& options) {
  return plotFileSteps(plots, file, dir, options)->runAll();
}

QStringList writePlotFiles(const ProjectPlots& plots, const QString& dir,
                           const PlotFileOptions& options) {
  if (!QDir().mkpath(dir)) throw Error("cannot create the folder '" + dir.toStdString() + "'");
  QStringList written;
  for (const PlotFile& file : plotFileList(plots))
    written += writePlotFile(plots, file, dir, options);
  return written;
}

}  // namespace imbw
