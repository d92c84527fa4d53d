#include "app/plots/plot_files.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>

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

/// Writes one chart in every format.
void writeChart(ChartView* chart, const QString& base, const PlotFileOptions& o,
                QStringList& written) {
  chart->resize(o.size);
  chart->setLabelBlock(o.label);
  // Qt Charts removes replaced axes (linear ↔ log) with deleteLater and lays out after a
  // resize with posted events: without an event loop (the CLI) the old axes would still be
  // drawn, over the new ones. Deliver exactly those posted events (no input, no timers).
  QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
  QCoreApplication::sendPostedEvents();
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

}  // namespace

void writeChartFiles(ChartView* chart, const QString& base, const PlotFileOptions& options,
                     QStringList& written) {
  writeChart(chart, base, options, written);
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

QStringList writePlotFile(const ProjectPlots& plots, const PlotFile& file, const QString& dir,
                          const PlotFileOptions& options) {
  using K = PlotFile::Kind;
  const QString base = QDir(dir).filePath(file.base);
  QStringList written;
  switch (file.kind) {
    case K::Roc:
    case K::Rejection: {
      RocCurveView roc;
      roc.setRuns(plots.runs);
      if (file.kind == K::Rejection) roc.setMode(RocCurveView::Mode::Rejection);
      writeChart(roc.chartView(), base, options, written);
      break;
    }
    case K::Pr: {
      PrCurveView pr;
      pr.setRuns(plots.runs);
      writeChart(pr.chartView(), base, options, written);
      break;
    }
    case K::Significance: {
      SignificanceView significance;
      significance.setRuns(plots.runs);
      writeChart(significance.chartView(), base, options, written);
      break;
    }
    case K::History: {
      TrainingHistoryView view;
      view.setRuns(plots.runs);
      writeChart(view.chartView(), base, options, written);
      break;
    }
    case K::Scores:
    case K::ScoresRatio: {
      ScoreHistogramView view;
      view.setRuns({plots.runs.at(file.index)});
      if (file.kind == K::Scores)
        writeChart(view.chartView(), base, options, written);
      else if (view.ratioView()->seriesKeys().size() > 1)  // the line at 1 and a class ratio
        writeChart(view.ratioView(), base, options, written);
      break;
    }
    case K::HeatMap: {
      const ScanHeatMapData& s = plots.scans.at(file.index);
      AlphaGammaHeatMap map;
      map.setGrid(s.alphas, s.gammas, s.metricName);
      for (const auto& c : s.cells) map.setCell(c.alpha, c.gamma, c.runKey, c.value);
      if (options.writeLater) {
        const QStringList paths = formatPaths(base, options);
        options.writeLater(paths, recordWidget(map, options.size));
        written += paths;
        break;
      }
      for (const QString& path : formatPaths(base, options)) {
        QString error;
        if (!exportWidget(map, path, options.size, &error, options.dpi))
          throw Error("cannot write the plot '" + path.toStdString() + "': " + error.toStdString());
        written << path;
      }
      break;
    }
  }
  return written;
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
