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

QString qs(const std::string& s) {
  return QString::fromStdString(s);
}

}  // namespace

QString weakMethodTitle(const std::string& m) {
  if (m == "tnt") return QObject::tr("Tag N' Train");
  if (m == "cwola") return QObject::tr("CWoLa");
  if (m == "autoencoder") return QObject::tr("autoencoders");
  if (m == "supervised") return QObject::tr("supervised");
  return qs(m);
}

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
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (in.keep.empty() || in.keep[i]) rows.push_back(i);
  if (rows.empty()) throw Error("the cut keeps no event");
  WeakEvents e;
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

WeakRunOutcome runWeakJob(const WeakInputs& in, const std::string& method, bool withSupervised,
                          const std::vector<double>& efficiencies, FitObserver* observer) {
  WeakRunOutcome out;
  out.method = method;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    out.events = selectWeakEvents(in);
    const WeakEvents& e = out.events;
    out.score = runWeakMethod(method, e.x, e.resonance, in.config, observer);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (e.hasTruth) {
      const std::vector<std::uint8_t> window = windowMask(e.resonance, in.config.window);
      out.metrics = weakMetrics(out.score, e.truth, e.x.weight, window);
      if (withSupervised && method != "supervised") {
        out.supervised = runWeakMethod("supervised", e.x, e.resonance, in.config, observer);
        out.supervisedMetrics = weakMetrics(out.supervised, e.truth, e.x.weight, window);
      }
    }
    try {
      for (double eff : efficiencies)
        out.plots.append(bumpHuntPlot(out, in.config, eff, QString::fromStdString(in.resonance)));
    } catch (const Error& ex) {
      out.plots.clear();
      out.plotError = QString::fromUtf8(ex.what());
    }
  } catch (const Cancelled&) {
    out.cancelled = true;
  } catch (const std::exception& ex) {
    out.error = QString::fromUtf8(ex.what());
  }
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

ResonanceHistogram resonanceHistogram(const WeakInputs& in, int bins) {
  ResonanceHistogram h;
  try {
    if (!in.data) throw Error("no events are loaded");
    const EventTable& t = in.data->table;
    if (t.columnIndex(in.resonance) < 0)
      throw Error("the loaded events have no column '" + in.resonance + "'");
    const std::vector<float>& m = t.column(in.resonance);
    std::vector<double> v;
    std::vector<double> w;
    for (std::size_t i = 0; i < t.size(); ++i)
      if ((in.keep.empty() || in.keep[i]) && !std::isnan(m[i])) {
        v.push_back(m[i]);
        w.push_back(t.weight[i]);
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

std::pair<double, double> bumpHuntRange(const WeakStudyConfig& c) {
  const double d = std::max(1.5 * (c.window.hi - c.window.lo), 1.25 * c.sidebandWidth);
  return {c.window.lo - d, c.window.hi + d};
}

BumpHuntPlot bumpHuntPlot(const WeakRunOutcome& run, const WeakStudyConfig& c, double efficiency,
                          const QString& resonanceTitle) {
  const auto [lo, hi] = bumpHuntRange(c);
  const std::vector<double> eff{efficiency};
  const WeakEvents& e = run.events;
  const BumpHunt bh = bumpHunt(
      e.resonance, run.score, e.x.weight,
      e.hasTruth ? std::span<const std::uint8_t>(e.truth) : std::span<const std::uint8_t>(), eff,
      40, lo, hi);
  const BumpHuntCut& cut = bh.cuts.front();
  auto ql = [](const std::vector<double>& v) { return QList<double>(v.begin(), v.end()); };
  BumpHuntPlot p;
  p.resonance = resonanceTitle;
  p.scoreName = weakMethodTitle(run.method);
  p.efficiency = cut.efficiency;
  p.edges = ql(bh.edges);
  p.all = ql(cut.all);
  p.signal = ql(cut.signal);
  p.background = ql(cut.background);
  p.reference = ql(cut.referenceShape);
  p.windowLo = c.window.lo;
  p.windowHi = c.window.hi;
  p.sidebandWidth = c.sidebandWidth;
  try {
    const SidebandFit f =
        fitSidebands(bh.edges, cut.all, c.window.lo, c.window.hi, c.sidebandWidth);
    p.fit = ql(f.curve);
    p.observed = f.observed;
    p.expected = f.expected;
    p.significance = f.significance;
  } catch (const Error& ex) {
    p.fitError = QString::fromUtf8(ex.what());
  }
  return p;
}

}  // namespace imbw
