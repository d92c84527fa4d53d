#include "core/unsup/weak_study_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/eval/roc_curve.h"
#include "core/expr/expression.h"
#include "core/learn/model_bytes.h"
#include "core/unsup/bump_hunt.h"
#include "core/unsup/tag_n_train.h"
#include "core/unsup/tagging.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// Signal share (by weight) of the events tagged signal-like by `tagger` among the `eligible`
// ones (inside the window, or every event when Tag N' Train tags everywhere).
double tagPurity(const std::vector<double>& tagger, const StudyResult& r,
                 const std::vector<std::uint8_t>& eligible, const WeakStudyConfig& c) {
  const std::vector<Tag> tags =
      tagByScore(tagger, c.signalTagFraction, c.backgroundTagFraction, eligible);
  double sig = 0.0, all = 0.0;
  for (std::size_t i = 0; i < tags.size(); ++i)
    if (tags[i] == Tag::SignalLike) {
      all += r.weight[i];
      if (r.truth[i]) sig += r.weight[i];
    }
  return all > 0.0 ? sig / all : 0.0;
}

StudyBump bumpAt(const StudyResult& r, const WeakStudyConfig& c, double efficiency) {
  const auto [lo, hi] = bumpHuntRange(c);
  const std::vector<double> eff{efficiency};
  const BumpHunt bh = bumpHunt(r.resonance, r.score, r.weight, r.truth, eff, 40, lo, hi);
  const BumpHuntCut& cut = bh.cuts.front();
  StudyBump b;
  b.efficiency = cut.efficiency;
  b.threshold = cut.threshold;
  b.edges = bh.edges;
  b.all = cut.all;
  b.signal = cut.signal;
  b.background = cut.background;
  b.reference = cut.referenceShape;
  try {
    const SidebandFit f =
        fitSidebands(bh.edges, cut.all, c.window.lo, c.window.hi, c.sidebandWidth);
    b.fit = f.curve;
    b.observed = f.observed;
    b.expected = f.expected;
    b.significance = f.significance;
  } catch (const Error& e) {
    b.fitError = e.what();
  }
  return b;
}

}  // namespace

std::vector<double> evaluateStartScore(const std::string& what, const std::string& text,
                                       const EventTable& table, std::span<const std::size_t> rows) {
  BoundExpression bound;
  try {
    bound = Expression::parse(text).bind(table.columnNames);
  } catch (const Error& e) {
    throw Error(what + " '" + text + "': " + e.what());
  }
  std::vector<ColumnRef> cols(table.columnNames.size());
  for (int c : bound.usedColumns()) {
    const auto k = static_cast<std::size_t>(c);
    cols[k].f = table.columns[k].data();
  }
  std::vector<double> all(table.size());
  if (!all.empty()) bound.evaluate(cols, all.size(), all.data());
  std::vector<double> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) {
    if (!std::isfinite(all[r]))
      throw Error(what + " '" + text + "' has no finite value for event " +
                  std::to_string(out.size()) + " of the selection");
    out.push_back(all[r]);
  }
  return out;
}

std::pair<double, double> bumpHuntRange(const WeakStudyConfig& c) {
  const double d = std::max(1.5 * (c.window.hi - c.window.lo), 1.25 * c.sidebandWidth);
  return {c.window.lo - d, c.window.hi + d};
}

StudyResult runWeakStudy(const WeakStudy& study, const StudyEvents& e, FitObserver* observer) {
  const WeakStudyConfig& c = study.config;
  const FeatureMatrix& x = e.x;
  if (e.resonance.size() != x.rows())
    throw Error("the resonance variable needs one value per event");
  if (study.isScan()) {
    checkScanSettings(study.fractions, study.scanMethods);
    const auto t0 = std::chrono::steady_clock::now();
    StudyResult r;
    r.scan = scanSignalFractions(x, e.resonance, study.fractions, study.scanMethods, c, observer);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }
  checkWeakMethod(study.method);
  const bool starts = !e.start1.empty() || !e.start2.empty();
  if (starts && (e.start1.size() != x.rows() || e.start2.size() != x.rows()))
    throw Error("each object's starting score needs one value per event");
  const auto t0 = std::chrono::steady_clock::now();
  StudyResult r;
  r.resonance = e.resonance;
  r.weight = x.weight;
  r.truth = signalMask(x.label, x.signalClass);
  std::size_t sig = 0;
  for (auto t : r.truth) sig += t;
  if (!(x.signalClass >= 0 && sig > 0 && sig < r.truth.size())) r.truth.clear();

  if (study.method == "tnt") {
    if (starts) {
      r.start1 = e.start1;
      r.start2 = e.start2;
    } else {
      r.start1 = autoencoderScores(x, e.resonance, c.object1Features, c, observer);
      r.start2 = autoencoderScores(x, e.resonance, c.object2Features, c, observer);
    }
    TntResult t = runTagNTrain(x, e.resonance, r.start1, r.start2, tntConfig(c), observer);
    r.startCombined = std::move(t.startCombined);
    r.fold.assign(t.fold.begin(), t.fold.end());
    for (TntStep& s : t.steps) {
      StudyStep step;
      step.score1 = std::move(s.score1);
      step.score2 = std::move(s.score2);
      step.combined = std::move(s.combined);
      // Kept so they can be exported or applied (the sidecar holds them with the scores).
      for (const auto& m : s.models1) step.models1.push_back(modelToBytes(*m));
      for (const auto& m : s.models2) step.models2.push_back(modelToBytes(*m));
      if (!s.models1.empty()) step.modelSuffix = modelFileSuffix(s.models1.front()->kind());
      r.steps.push_back(std::move(step));
    }
    r.score = r.steps.empty() ? r.startCombined : r.steps.back().combined;
  } else if (study.method == "autoencoder" && starts) {
    r.score = combineBothInTop(e.start1, e.start2);
  } else {
    r.score = runWeakMethod(study.method, x, e.resonance, c, observer);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (r.hasTruth()) {
    const std::vector<std::uint8_t> window = windowMask(e.resonance, c.window);
    r.metrics = weakMetrics(r.score, r.truth, r.weight, window);
    if (!r.startCombined.empty()) {
      r.startMetrics = weakMetrics(r.startCombined, r.truth, r.weight, window);
      r.startMetrics1 = weakMetrics(r.start1, r.truth, r.weight, window);
      r.startMetrics2 = weakMetrics(r.start2, r.truth, r.weight, window);
    }
    // The events TNT tagged: the rule is tntConfig's (the window, unless tagging everywhere).
    const std::vector<std::uint8_t> tagged =
        tntConfig(c).window ? window : std::vector<std::uint8_t>{};
    const std::vector<double>* prev1 = &r.start1;
    const std::vector<double>* prev2 = &r.start2;
    for (StudyStep& s : r.steps) {
      s.metrics1 = weakMetrics(s.score1, r.truth, r.weight, window);
      s.metrics2 = weakMetrics(s.score2, r.truth, r.weight, window);
      s.metricsCombined = weakMetrics(s.combined, r.truth, r.weight, window);
      s.purity1 = tagPurity(*prev2, r, tagged, c);  // object 1's classifier: tagged by object 2
      s.purity2 = tagPurity(*prev1, r, tagged, c);
      prev1 = &s.score1;
      prev2 = &s.score2;
    }
    if (study.withSupervised && study.method != "supervised") {
      r.supervised = runWeakMethod("supervised", x, e.resonance, c, observer);
      r.supervisedMetrics = weakMetrics(r.supervised, r.truth, r.weight, window);
    }
  }
  try {
    for (double eff : study.efficiencies) r.bumps.push_back(bumpAt(r, c, eff));
  } catch (const Error& ex) {
    r.bumps.clear();
    r.bumpError = ex.what();
  }
  return r;
}

}  // namespace imbw
