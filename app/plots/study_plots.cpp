#include "app/plots/study_plots.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cmath>

#include "core/util/error.h"
#include "widgets/chart_view.h"
#include "widgets/signal_fraction_view.h"

namespace imbw {

namespace {

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

// "10pct", "1pct", "0.1pct": a file-name part for a cut keeping `efficiency` of the events.
QString efficiencyTag(double efficiency) {
  return QString::number(100.0 * efficiency, 'g', 3) + "pct";
}

// The bump-hunt figure in every format of `o`, with its label block, as addChartSteps writes
// a chart.
void writeBumpHuntFiles(BumpHuntView& view, const QString& base, const PlotFileOptions& o,
                        QStringList& written) {
  view.setLabelBlock(o.label);
  QStringList paths;
  for (const QString& f : o.formats) paths << base + "." + f;
  if (o.writeLater) {
    o.writeLater(paths, view.record(o.size));
    written += paths;
    return;
  }
  for (const QString& path : paths) {
    QString error;
    if (!view.exportTo(path, &error, o.dpi, nullptr, o.size))
      throw Error("cannot write the plot '" + path.toStdString() + "': " + error.toStdString());
    written << path;
  }
}

}  // namespace

QString weakMethodTitle(const std::string& m) {
  if (m == "tnt") return QCoreApplication::translate("imbw", "Tag N' Train");
  if (m == "cwola") return QCoreApplication::translate("imbw", "CWoLa");
  if (m == "autoencoder") return QCoreApplication::translate("imbw", "autoencoders");
  if (m == "supervised") return QCoreApplication::translate("imbw", "supervised");
  if (m == "scan") return QCoreApplication::translate("imbw", "signal-fraction scan");
  return qs(m);
}

BumpHuntPlot bumpHuntPlot(const StudyBump& b, const WeakStudy& study, const QString& unit) {
  auto ql = [](const std::vector<double>& v) { return QList<double>(v.begin(), v.end()); };
  const WeakStudyConfig& c = study.config;
  BumpHuntPlot p;
  p.resonance = qs(study.resonance);
  p.unit = unit;
  p.scoreName = weakMethodTitle(study.method);
  p.efficiency = b.efficiency;
  p.edges = ql(b.edges);
  p.all = ql(b.all);
  p.signal = ql(b.signal);
  p.background = ql(b.background);
  p.reference = ql(b.reference);
  p.windowLo = c.window.lo;
  p.windowHi = c.window.hi;
  p.sidebandWidth = c.sidebandWidth;
  p.fit = ql(b.fit);
  p.observed = b.observed;
  p.expected = b.expected;
  p.significance = b.significance;
  p.fitError = qs(b.fitError);
  return p;
}

QList<TntStepPoint> tntStepPoints(const StudyResult& r) {
  QList<TntStepPoint> pts;
  if (r.steps.empty()) return pts;
  const double nan = std::nan("");
  pts.append({r.startMetrics1.auc, r.startMetrics2.auc, r.startMetrics.auc, nan, nan});
  for (const StudyStep& s : r.steps)
    pts.append({s.metrics1.auc, s.metrics2.auc, s.metricsCombined.auc, s.purity1, s.purity2});
  return pts;
}

QString scanMetricTitle(ScanMetric metric) {
  switch (metric) {
    case ScanMetric::MaxSignificanceImprovement:
      return QCoreApplication::translate("imbw", "max significance improvement ε_S/√ε_B");
    case ScanMetric::Auc:
      return QCoreApplication::translate("imbw", "AUC");
    case ScanMetric::RejectionAt02:
      return QCoreApplication::translate("imbw", "1/ε_B at ε_S = 0.2");
  }
  return {};
}

QString scanMetricFileTag(ScanMetric metric) {
  switch (metric) {
    case ScanMetric::MaxSignificanceImprovement:
      return QStringLiteral("sic");
    case ScanMetric::Auc:
      return QStringLiteral("auc");
    case ScanMetric::RejectionAt02:
      return QStringLiteral("rejection");
  }
  return {};
}

const QList<ScanMetric>& scanMetrics() {
  static const QList<ScanMetric> all{ScanMetric::MaxSignificanceImprovement, ScanMetric::Auc,
                                     ScanMetric::RejectionAt02};
  return all;
}

QList<QPair<QString, QList<QPointF>>> signalFractionCurves(const std::vector<ScanPoint>& points,
                                                           ScanMetric metric) {
  QList<QPair<QString, QList<QPointF>>> curves;
  for (const ScanPoint& p : points) {
    const double v = metric == ScanMetric::MaxSignificanceImprovement
                         ? p.metrics.maxSignificanceImprovement
                     : metric == ScanMetric::Auc ? p.metrics.auc
                                                 : p.metrics.rejectionAt02;
    auto it = std::find_if(curves.begin(), curves.end(),
                           [&](const auto& c) { return c.first == qs(p.method); });
    if (it == curves.end()) {
      curves.append({qs(p.method), {}});
      it = curves.end() - 1;
    }
    if (std::isfinite(v)) it->second.append(QPointF(p.sOverB, v));
  }
  return curves;
}

QList<StudyPlotFile> studyPlotFileList(const Project& project, const StudyStore& results,
                                       const std::vector<std::string>& ids) {
  using K = StudyPlotFile::Kind;
  QList<StudyPlotFile> out;
  for (const std::string& id : ids) {
    const WeakStudy* st = project.findStudy(id);
    const auto it = results.find(id);
    if (!st || it == results.end() || !it->second) continue;
    const StudyResult& r = *it->second;
    const QString base = "study_" + fileSlug(qs(st->id)) + "_" + fileSlug(qs(st->name));
    if (st->isScan()) {
      for (ScanMetric m : scanMetrics())
        out << StudyPlotFile{K::SignalFraction, id, 0, m,
                             base + "_signal_fraction_" + scanMetricFileTag(m)};
      continue;
    }
    for (std::size_t k = 0; k < r.bumps.size(); ++k) {
      // Named by the asked efficiency (the cut keeps the nearest achievable fraction).
      const double asked =
          k < st->efficiencies.size() ? st->efficiencies[k] : r.bumps[k].efficiency;
      out << StudyPlotFile{
          K::BumpHunt, id, static_cast<int>(k), {}, base + "_bump_" + efficiencyTag(asked)};
    }
    if (!r.steps.empty() && r.hasTruth())
      out << StudyPlotFile{K::TntSteps, id, 0, {}, base + "_steps"};
  }
  return out;
}

std::unique_ptr<PlotSteps> studyPlotFileSteps(const Project& project, const StudyStore& results,
                                              const StudyPlotFile& file, const QString& dir,
                                              const PlotFileOptions& options) {
  const WeakStudy* st = project.findStudy(file.study);
  const auto it = results.find(file.study);
  if (!st || it == results.end() || !it->second)
    throw Error("study " + file.study + " has no results to plot");
  const StudyResult* r = it->second.get();
  const QString base = QDir(dir).filePath(file.base);
  auto steps = std::make_unique<PlotSteps>();
  switch (file.kind) {
    case StudyPlotFile::Kind::BumpHunt: {
      auto view = std::make_shared<std::unique_ptr<BumpHuntView>>();
      steps->then([view, plot = bumpHuntPlot(r->bumps.at(static_cast<std::size_t>(file.index)), *st,
                                             projectUnit(project, qs(st->resonance)))] {
        *view = std::make_unique<BumpHuntView>();
        (*view)->setPlot(plot);
      });
      steps->then([view, base, options, written = &steps->written] {
        writeBumpHuntFiles(**view, base, options, *written);
        view->reset();
      });
      break;
    }
    case StudyPlotFile::Kind::TntSteps:
      addChartSteps<TntStepsView>(
          *steps,
          [points = tntStepPoints(*r), truth = r->hasTruth()](TntStepsView& v) {
            v.setSteps(points, truth);
          },
          [](TntStepsView& v) { return v.chartView(); }, base, options);
      break;
    case StudyPlotFile::Kind::SignalFraction:
      return signalFractionPlotSteps(r->scan, file.metric, base, options);
  }
  return steps;
}

QStringList writeStudyPlotFile(const Project& project, const StudyStore& results,
                               const StudyPlotFile& file, const QString& dir,
                               const PlotFileOptions& options) {
  return studyPlotFileSteps(project, results, file, dir, options)->runAll();
}

QStringList writeStudyPlotFiles(const Project& project, const StudyStore& results,
                                const std::vector<std::string>& ids, const QString& dir,
                                const PlotFileOptions& options) {
  if (!QDir().mkpath(dir)) throw Error("cannot create the folder '" + dir.toStdString() + "'");
  QStringList written;
  for (const StudyPlotFile& file : studyPlotFileList(project, results, ids))
    written += writeStudyPlotFile(project, results, file, dir, options);
  return written;
}

std::unique_ptr<PlotSteps> signalFractionPlotSteps(const std::vector<ScanPoint>& points,
                                                   ScanMetric metric, const QString& base,
                                                   const PlotFileOptions& options) {
  auto steps = std::make_unique<PlotSteps>();
  addChartSteps<SignalFractionView>(
      *steps,
      [base, title = scanMetricTitle(metric),
       curves = signalFractionCurves(points, metric)](SignalFractionView& v) {
        const QString folder = QFileInfo(base).absolutePath();
        if (!QDir().mkpath(folder))
          throw Error("cannot create the folder '" + folder.toStdString() + "'");
        v.setCurves(title, curves);
      },
      [](SignalFractionView& v) { return v.chartView(); }, base, options);
  return steps;
}

QStringList writeSignalFractionPlot(const std::vector<ScanPoint>& points, ScanMetric metric,
                                    const QString& base, const PlotFileOptions& options) {
  return signalFractionPlotSteps(points, metric, base, options)->runAll();
}

}  // namespace imbw
