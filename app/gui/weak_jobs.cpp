#include "app/gui/weak_jobs.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/eval/roc_curve.h"
#include "core/unsup/bump_hunt.h"
#include "core/unsup/tag_n_train.h"
#include "core/util/error.h"

namespace imbw {

namespace {

/// The outcome's scores, metrics and bump-hunt plots from a study's result (a fresh run, or one
/// read back from the sidecar).
void takeResult(WeakRunOutcome& out, std::shared_ptr<const StudyResult> result,
                const WeakStudy& study) {
  out.score = result->score;
  out.supervised = result->supervised;
  out.metrics = result->metrics;
  out.supervisedMetrics = result->supervisedMetrics;
  out.seconds = result->seconds;
  for (const StudyBump& b : result->bumps) out.plots.append(bumpHuntPlot(b, study));
  out.plotError = QString::fromStdString(result->bumpError);
  out.result = std::move(result);
}

}  // namespace

WeakEvents selectWeakEvents(const WeakInputs& in) {
  if (!in.data) throw Error("no events are loaded");
  const EventTable& t = in.data->table;
  const WeakStudyConfig& c = in.config;
  std::vector<std::string> names = c.object1Features;
  for (const std::string& n : c.object2Features)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  for (const std::string& n : names)
    if (t.columnIndex(n) < 0) throw Error("the loaded events have no column '" + n + "'");
  if (t.columnIndex(in.resonance) < 0)
    throw Error("the loaded events have no column '" + in.resonance +
                "' for the resonance variable");
  WeakEvents e;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (!in.keep || (*in.keep)[i]) rows.push_back(i);
  if (rows.empty()) throw Error("the cut keeps no event");
  e.rows = rows;
  e.x = FeatureMatrix::fromTable(t, names).subset(rows);
  const std::vector<float>& m = t.column(in.resonance);
  e.resonance.reserve(rows.size());
  for (std::size_t r : rows) {
    if (std::isnan(m[r]))
      throw Error("event " + std::to_string(e.resonance.size()) +
                  " has no value of the resonance variable '" + in.resonance + "'");
    e.resonance.push_back(m[r]);
  }
  e.truth = signalMask(e.x.label, e.x.signalClass);
  std::size_t sig = 0;
  for (auto s : e.truth) sig += s;
  e.hasTruth = e.x.signalClass >= 0 && sig > 0 && sig < e.truth.size();
  return e;
}

WeakRunOutcome runWeakJob(const WeakInputs& in, const WeakStudy& study, FitObserver* observer) {
  WeakRunOutcome out;
  out.method = study.method;
  out.study = study;
  try {
    WeakInputs sel = in;
    sel.config = study.config;
    sel.resonance = study.resonance;
    out.events = selectWeakEvents(sel);
    StudyEvents e;
    e.x = out.events.x;
    e.resonance = out.events.resonance;
    if (study.method == "tnt" && study.usesStartExpressions()) {
      e.start1 = evaluateStartScore("object 1's starting score", study.start1, in.data->table,
                                    out.events.rows);
      e.start2 = evaluateStartScore("object 2's starting score", study.start2, in.data->table,
                                    out.events.rows);
    }
    takeResult(out, std::make_shared<StudyResult>(runWeakStudy(study, e, observer)), study);
  } catch (const Cancelled&) {
    out.cancelled = true;
  } catch (const std::exception& ex) {
    out.error = QString::fromUtf8(ex.what());
  }
  return out;
}

WeakRunOutcome storedOutcome(const WeakStudy& study, std::shared_ptr<const StudyResult> result) {
  WeakRunOutcome out;
  out.method = study.method;
  out.study = study;
  if (!result) return out;
  out.events.resonance = result->resonance;
  out.events.truth = result->truth;
  out.events.hasTruth = result->hasTruth();
  out.events.x.weight = result->weight;
  takeResult(out, std::move(result), study);
  return out;
}

WeakScanOutcome runScanJob(const WeakInputs& in, const std::vector<double>& fractions,
                           const std::vector<std::string>& methods, FitObserver* observer) {
  WeakScanOutcome out;
  try {
    const WeakEvents e = selectWeakEvents(in);
    if (!e.hasTruth)
      throw Error(
          "the scan injects the signal class: the selected events need both it and another "
          "class");
    out.points = scanSignalFractions(e.x, e.resonance, fractions, methods, in.config, observer);
  } catch (const Cancelled&) {
    out.cancelled = true;
  } catch (const std::exception& ex) {
    out.error = QString::fromUtf8(ex.what());
  }
  return out;
}

ResonanceHistogram resonanceHistogram(const WeakInputs& in, int bins,
                                      const std::function<bool()>& stopRequested) {
  ResonanceHistogram h;
  try {
    if (!in.data) throw Error("no events are loaded");
    const EventTable& t = in.data->table;
    if (t.columnIndex(in.resonance) < 0)
      throw Error("the loaded events have no column '" + in.resonance + "'");
    const std::vector<float>& m = t.column(in.resonance);
    const std::uint8_t* keep = in.keep ? in.keep->data() : nullptr;
    std::vector<double> v;
    std::vector<double> w;
    constexpr std::size_t kSlice = std::size_t{1} << 20;
    for (std::size_t begin = 0; begin < t.size(); begin += kSlice) {
      if (stopRequested && stopRequested()) throw Error("stopped: the selection changed");
      for (std::size_t i = begin; i < std::min(t.size(), begin + kSlice); ++i)
        if ((!keep || keep[i]) && !std::isnan(m[i])) {
          v.push_back(m[i]);
          w.push_back(t.weight[i]);
        }
    }
    if (v.empty()) throw Error("no selected event has a value of '" + in.resonance + "'");
    std::vector<double> sorted = v;
    const std::size_t q =
        std::min(sorted.size() - 1, static_cast<std::size_t>(0.995 * sorted.size()));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(q), sorted.end());
    const double hi0 = sorted[q];
    const double lo = *std::min_element(v.begin(), v.end());
    const double hi = hi0 > lo ? hi0 : lo + 1.0;
    for (int b = 0; b <= bins; ++b) h.edges << lo + (hi - lo) * b / bins;
    h.counts = QList<double>(bins, 0.0);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!(v[i] >= lo && v[i] <= hi)) continue;
      const int b = std::min(bins - 1, static_cast<int>((v[i] - lo) / (hi - lo) * bins));
      h.counts[b] += w[i];
    }
  } catch (const std::exception& ex) {
    h.edges.clear();
    h.counts.clear();
    h.error = QString::fromUtf8(ex.what());
  }
  return h;
}

}  // namespace imbw
