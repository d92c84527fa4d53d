#pragma once

// The work behind the weak-supervision window, without widgets: each function runs on a worker
// (or, for the cheap ones, on the GUI thread) and hands back plain values. Everything it
// computes comes from core/unsup, the same functions `imbalance-cli tnt` and `sf-scan` call.

#include <QList>
#include <QString>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/plots/study_plots.h"  // weakMethodTitle, bumpHuntPlot
#include "core/analysis/analysis_loader.h"
#include "core/analysis/yields.h"
#include "core/learn/model.h"
#include "core/unsup/weak_study.h"
#include "core/unsup/weak_study_run.h"
#include "widgets/bump_hunt_view.h"

namespace imbw {

/// The events a study runs on: the window's loaded table, the current cut's mask of it, the
/// resonance variable's column, and the settings.
struct WeakInputs {
  std::shared_ptr<const LoadedAnalysis> data;
  EventMask keep;  ///< one per event of data->table; null = all
  std::string resonance = "mjj";
  WeakStudyConfig config;
};

/// The selected events as the CLI's loadWeakData builds them: the objects' features (label =
/// the analysis class, the truth, read only to evaluate) and the resonance values.
struct WeakEvents {
  FeatureMatrix x;
  std::vector<double> resonance;
  std::vector<std::uint8_t> truth;  ///< 1 = the signal class
  bool hasTruth = false;
  std::vector<std::size_t> rows;  ///< the events' rows in the loaded table
};
/// Throws imbw::Error naming a missing column or an event without a resonance value.
WeakEvents selectWeakEvents(const WeakInputs& in);

struct WeakRunOutcome {
  QString error;  ///< empty on success
  bool cancelled = false;
  std::string method;
  WeakStudy study;                            ///< what ran
  std::shared_ptr<const StudyResult> result;  ///< everything it gave (kept in the project)
  WeakEvents events;          ///< resonance, truth and weights (features only after a fresh run)
  std::vector<double> score;  ///< the method's held-out score of every selected event
  std::vector<double> supervised;          ///< the supervised reference's (empty unless asked)
  WeakMetrics metrics, supervisedMetrics;  ///< inside the window, against the truth
  double seconds = 0.0;
  /// The bump-hunt view's data for each asked efficiency (made on the worker: sorting the
  /// scores is no work for the GUI thread); plotError says why there are none.
  QList<BumpHuntPlot> plots;
  QString plotError;
};
/// runWeakStudy on the selected events (the study's starting-score expressions evaluated on
/// them), then the bump-hunt plots. Never throws.
WeakRunOutcome runWeakJob(const WeakInputs& in, const WeakStudy& study, FitObserver* observer);
/// The outcome of a study stored in the project (shown again without running anything).
WeakRunOutcome storedOutcome(const WeakStudy& study, std::shared_ptr<const StudyResult> result);

struct WeakScanOutcome {
  QString error;
  bool cancelled = false;
  std::vector<ScanPoint> points;
};
/// scanSignalFractions on the selected events. Never throws.
WeakScanOutcome runScanJob(const WeakInputs& in, const std::vector<double>& fractions,
                           const std::vector<std::string>& methods, FitObserver* observer);

/// The selected events' histogram of the resonance variable for choosing the window: `bins`
/// uniform bins from the smallest value to the 99.5 % quantile (a falling spectrum's far tail
/// would squeeze the rest). Never throws: an error leaves the lists empty.
struct ResonanceHistogram {
  QList<double> edges, counts;
  QString error;
};
/// `stopRequested` is polled every million events (stopped: the error says so).
ResonanceHistogram resonanceHistogram(const WeakInputs& in, int bins = 60,
                                      const std::function<bool()>& stopRequested = {});

}  // namespace imbw
