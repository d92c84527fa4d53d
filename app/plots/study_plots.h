#pragma once

// The weak-supervision studies' plots (issue 14) as the window draws them and as
// `imbalance-cli plots` / `sf-scan --out DIR` write them: the bump hunt at each score cut, Tag N'
// Train's steps and the signal-fraction scan, from core results to the views' data.

#include <QList>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "app/plots/plot_files.h"
#include "core/project/project.h"
#include "core/project/study_store.h"
#include "core/unsup/weak_study.h"
#include "widgets/bump_hunt_view.h"
#include "widgets/tnt_steps_view.h"

namespace imbw {

/// "Tag N' Train", "CWoLa", "autoencoders", "supervised".
QString weakMethodTitle(const std::string& method);

/// The bump-hunt view's data of one of a study's bump hunts (core StudyBump); `unit`: the
/// resonance variable's (projectUnit), empty when not known.
BumpHuntPlot bumpHuntPlot(const StudyBump& bump, const WeakStudy& study, const QString& unit = {});

/// Tag N' Train's steps as the steps view draws them: the start (AUC of each object's starting
/// score and of their combination, no purity), then each iteration. Empty for other methods.
QList<TntStepPoint> tntStepPoints(const StudyResult& result);

/// The figures of merit a signal-fraction plot can show.
enum class ScanMetric { MaxSignificanceImprovement, Auc, RejectionAt02 };
/// "max significance improvement ε_S/√ε_B", "AUC", "1/ε_B at ε_S = 0.2".
QString scanMetricTitle(ScanMetric metric);
/// "sic", "auc", "rejection": the metric's part of a plot file's name.
QString scanMetricFileTag(ScanMetric metric);
/// Every ScanMetric, the significance improvement first.
const QList<ScanMetric>& scanMetrics();
/// One curve per method, in the order the methods first appear: (S/B, metric) per point (points
/// whose metric is not finite are left out).
QList<QPair<QString, QList<QPointF>>> signalFractionCurves(const std::vector<ScanPoint>& points,
                                                           ScanMetric metric);

/// One chart of writeStudyPlotFiles before it is drawn: which view of which study (`index`: a
/// bump hunt's score cut; `metric`: a scan's figure of merit) and its file name without the
/// folder and the format's suffix.
struct StudyPlotFile {
  enum class Kind { BumpHunt, TntSteps, SignalFraction };
  Kind kind = Kind::BumpHunt;
  std::string study;  ///< the study's id
  int index = 0;
  ScanMetric metric = ScanMetric::MaxSignificanceImprovement;
  QString base;
};

/// The charts writeStudyPlotFiles writes for the studies `ids` with results in `results`, in
/// its order (no drawing: any thread).
QList<StudyPlotFile> studyPlotFileList(const Project& project, const StudyStore& results,
                                       const std::vector<std::string>& ids);

/// The steps that draw one chart of studyPlotFileList and write it, as writeStudyPlotFile does
/// (plot_files.h: PlotSteps). `results` must outlive the steps. Throws imbw::Error when the
/// study has no results.
std::unique_ptr<PlotSteps> studyPlotFileSteps(const Project& project, const StudyStore& results,
                                              const StudyPlotFile& file, const QString& dir,
                                              const PlotFileOptions& options);

/// Draws one chart of studyPlotFileList and writes it to `dir` (which must exist) once per
/// format of `options`. Needs a QApplication and the GUI thread; one call is one chart, so a
/// window can write a long list between its events. Returns the written paths; throws
/// imbw::Error naming a file that cannot be written.
QStringList writeStudyPlotFile(const Project& project, const StudyStore& results,
                               const StudyPlotFile& file, const QString& dir,
                               const PlotFileOptions& options);

/// Writes the plots of every study of `ids` with results in `results` to `dir` (created if
/// missing), once per format of `options`:
///   study_<id>_<name>_bump_<efficiency>.F per score cut (efficiency as "10pct", "0.1pct"),
///   study_<id>_<name>_steps.F for Tag N' Train when the truth is known,
///   study_<id>_<name>_signal_fraction_<sic|auc|rejection>.F for a signal-fraction scan.
/// (studyPlotFileList, then writeStudyPlotFile for each.) Needs a QApplication. Returns the
/// written paths; throws imbw::Error naming a file that cannot be written.
QStringList writeStudyPlotFiles(const Project& project, const StudyStore& results,
                                const std::vector<std::string>& ids, const QString& dir,
                                const PlotFileOptions& options);

/// The steps of writeSignalFractionPlot (plot_files.h: PlotSteps).
std::unique_ptr<PlotSteps> signalFractionPlotSteps(const std::vector<ScanPoint>& points,
                                                   ScanMetric metric, const QString& base,
                                                   const PlotFileOptions& options);

/// Writes `BASE.F` (each format of `options`): `metric` against S/B, one line per method.
QStringList writeSignalFractionPlot(const std::vector<ScanPoint>& points, ScanMetric metric,
                                    const QString& base, const PlotFileOptions& options);

}  // namespace imbw
