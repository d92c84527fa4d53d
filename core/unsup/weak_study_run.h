#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/data/event_table.h"
#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/unsup/weak_metrics.h"
#include "core/unsup/weak_study_record.h"

namespace imbw {

/// The events a study runs on (the analysis's selected events, in table order): both objects'
/// features (label = the analysis class, the truth, read only to evaluate), the resonance
/// variable and, when the study gives them as expressions, each object's starting score.
struct StudyEvents {
  FeatureMatrix x;
  std::vector<double> resonance;
  std::vector<double> start1, start2;  ///< empty: the objects' autoencoders
};

/// The resonance histogram after one score cut, with the sideband fit (fitError when it failed).
struct StudyBump {
  double efficiency = 0.0, threshold = 0.0;
  std::vector<double> edges, all, signal, background, reference, fit;
  double observed = 0.0, expected = 0.0, significance = 0.0;
  std::string fitError;
};

/// One Tag N' Train iteration: each object's held-out classifier score and their combination;
/// against the truth (when known, inside the window) each one's metrics and the purity of the
/// pseudo-labels its classifiers learnt from.
struct StudyStep {
  std::vector<double> score1, score2, combined;
  WeakMetrics metrics1, metrics2, metricsCombined;
  /// Signal share (by weight) of the signal-like tags inside the window that trained the
  /// classifier of object 1 (tagged by object 2's previous score) and of object 2.
  double purity1 = 0.0, purity2 = 0.0;
  /// The step's classifiers, one per fold and object, as the bytes of their saved files
  /// (modelFromBytes with `modelSuffix`): models1[k] scored object 1 of the events of fold k
  /// (StudyResult::fold) from object 1's features. Empty when not kept.
  std::vector<std::string> models1, models2;
  std::string modelSuffix;
};

/// A study's results, everything the window and the CLI show, kept in the sidecar.
struct StudyResult {
  std::vector<double> resonance, weight;
  std::vector<std::uint8_t> truth;         ///< 1 = signal class; empty without truth
  std::vector<double> score;               ///< the method's held-out score of every event
  std::vector<double> supervised;          ///< the supervised reference's (may be empty)
  WeakMetrics metrics, supervisedMetrics;  ///< inside the window, against the truth
  std::vector<double> start1, start2, startCombined;       ///< Tag N' Train's start (else empty)
  WeakMetrics startMetrics, startMetrics1, startMetrics2;  ///< combined, object 1, object 2
  std::vector<StudyStep> steps;    ///< Tag N' Train's iterations (else empty)
  std::vector<std::int32_t> fold;  ///< Tag N' Train: each event's fold (else empty)
  std::vector<StudyBump> bumps;    ///< one per efficiency of the study
  std::vector<ScanPoint> scan;     ///< a signal-fraction scan's points (its only result)
  std::string bumpError;           ///< why there are no bump-hunt histograms
  double seconds = 0.0;
  bool hasTruth() const { return !truth.empty(); }
};

/// Evaluates a starting-score expression (the cut's syntax; any column of `table`) for the
/// given rows. Throws imbw::Error naming `what`, the character and the problem, or the first
/// event without a value.
std::vector<double> evaluateStartScore(const std::string& what, const std::string& text,
                                       const EventTable& table, std::span<const std::size_t> rows);

/// The bump hunt's range: [lo − d, hi + d] with d = max(1.5 · (hi − lo), 1.25 · sideband).
std::pair<double, double> bumpHuntRange(const WeakStudyConfig& config);

/// Runs the study on its events (runWeakMethod's steps; Tag N' Train keeps each iteration),
/// the supervised reference when asked and the truth is known, every metric against the truth
/// and the bump hunt (40 bins over bumpHuntRange) at the study's efficiencies. A scan study runs
/// scanSignalFractions instead (its result: the points, no per-event columns). The one code path
/// of the window and `imbalance-cli study` / `run` / `sf-scan --save`. Throws imbw::Error (bad
/// settings, named) or Cancelled.
StudyResult runWeakStudy(const WeakStudy& study, const StudyEvents& events,
                         FitObserver* observer = nullptr);

}  // namespace imbw
