#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/project/project.h"
#include "core/project/run_store.h"
#include "widgets/run_plot_data.h"

namespace imbw {

/// One α–γ scan of a project as its heat map shows it: the grid, the metric and, per finished
/// run of the scan, its cell and the fold mean of the metric.
struct ScanHeatMapData {
  QString id;
  QList<double> alphas, gammas;
  QString metricName;  ///< "AP", "AUC", "AP/r"
  struct Cell {
    int alpha = 0, gamma = 0;
    QString runKey;
    double value = 0.0;
  };
  QList<Cell> cells;
};

/// The plots of a project's stored results, as the window draws them.
struct ProjectPlots {
  QList<RunPlotData> runs;
  QList<ScanHeatMapData> scans;
};

/// "AP", "AUC", "AP/r" for the metric keys a scan can show (the key itself otherwise).
QString scanMetricName(const std::string& key);

/// The project's runs named in `which` (ids "r1" or names; empty: every trained run that is
/// shown), each evaluated from the sidecar `store` (evaluateStoredRun: curves, histograms,
/// significance at `luminosity`), coloured by its place in the project; and every scan with at
/// least one finished run. `curveClass` (three or more classes): the one-vs-rest curves and
/// histograms of that class, as the window's "Curves:" choice (evaluateStoredRun); −1 or the
/// signal class: the signal's. `stop`, polled between runs, ends the work early (throws
/// Cancelled). Throws imbw::Error naming a run that does not exist or has no stored results.
ProjectPlots projectPlots(const Project& project,
                          const std::map<std::string, std::shared_ptr<const StoredRun>>& store,
                          const std::vector<std::string>& which, double luminosity,
                          int curveClass = -1, const std::function<bool()>& stop = {});

}  // namespace imbw
