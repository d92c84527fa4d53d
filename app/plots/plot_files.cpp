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

namespace {

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
  for (const QString& f : o.formats) {
    const QString path = base + "." + f;
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

QStringList writePlotFiles(const ProjectPlots& plots, const QString& dir,
                           const PlotFileOptions& options) {
  if (!QDir().mkpath(dir)) throw Error("cannot create the folder '" + dir.toStdString() + "'");
  const QDir out(dir);
  QStringList written;
  if (!plots.runs.isEmpty()) {
    RocCurveView roc;
    roc.setRuns(plots.runs);
    writeChart(roc.chartView(), out.filePath("roc"), options, written);
    roc.setMode(RocCurveView::Mode::Rejection);
    writeChart(roc.chartView(), out.filePath("rejection"), options, written);

    PrCurveView pr;
    pr.setRuns(plots.runs);
    writeChart(pr.chartView(), out.filePath("pr"), options, written);

    SignificanceView significance;
    significance.setRuns(plots.runs);
    writeChart(significance.chartView(), out.filePath("significance"), options, written);

    bool history = false;
    for (const RunPlotData& r : plots.runs)
      history = history || !r.trainLoss.isEmpty() || !r.validationLoss.isEmpty() ||
                !r.validationAp.isEmpty();
    if (history) {
      TrainingHistoryView view;
      view.setRuns(plots.runs);
      writeChart(view.chartView(), out.filePath("history"), options, written);
    }

    for (const RunPlotData& r : plots.runs) {
      if (r.histograms.isEmpty()) continue;
      ScoreHistogramView view;
      view.setRuns({r});
      const QString base = out.filePath("scores_" + r.key + "_" + fileSlug(r.label));
      writeChart(view.chartView(), base, options, written);
      if (view.ratioView()->seriesKeys().size() > 1)  // the line at 1 and a class ratio
        writeChart(view.ratioView(), base + "_ratio", options, written);
    }
  }
  for (const ScanHeatMapData& s : plots.scans) {
    AlphaGammaHeatMap map;
    map.setGrid(s.alphas, s.gammas, s.metricName);
    for (const auto& c : s.cells) map.setCell(c.alpha, c.gamma, c.runKey, c.value);
    for (const QString& f : options.formats) {
      const QString path = out.filePath("heatmap_" + fileSlug(s.id) + "." + f);
      QString error;
      if (!exportWidget(map, path, options.size, &error, options.dpi))
        throw Error("cannot write the plot '" + path.toStdString() + "': " + error.toStdString());
      written << path;
    }
  }
  return written;
}

}  // namespace imbw
