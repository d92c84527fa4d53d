#include "core/project/study_store.h"

#include <algorithm>
#include <filesystem>

#include "core/project/study_store_io.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using h5::Handle;
using store_io::Reader;
using store_io::Writer;

void metricsRow(std::vector<double>& m, const WeakMetrics& w) {
  m.insert(m.end(), {w.auc, w.rejectionAt02, w.maxSignificanceImprovement, w.efficiencyAtMaxSic});
}

WeakMetrics metricsAt(const std::vector<double>& m, std::size_t row) {
  if (4 * row + 3 >= m.size()) return {};
  return {m[4 * row], m[4 * row + 1], m[4 * row + 2], m[4 * row + 3]};
}

// A scan point: S/B, N_S, N_B, AUC, 1/ε_B(0.2), max SIC, ε_S at max SIC, seconds.
constexpr std::size_t kScanColumns = 8;

bool has(hid_t g, const std::string& name) {
  return H5Lexists(g, name.c_str(), H5P_DEFAULT) > 0;
}

void checkStudy(const std::string& id, const StudyResult& r) {
  const std::size_t n = r.score.size();
  auto same = [&](const auto& v) { return v.empty() || v.size() == n; };
  if (r.resonance.size() != n || r.weight.size() != n || !same(r.truth) || !same(r.supervised) ||
      !same(r.start1) || !same(r.start2) || !same(r.startCombined))
    throw Error("study '" + id + "': the per-event columns have different lengths");
  if (!same(r.fold)) throw Error("study '" + id + "': the folds do not match the events");
  for (const StudyStep& s : r.steps) {
    if (s.score1.size() != n || s.score2.size() != n || s.combined.size() != n)
      throw Error("study '" + id + "': a step's scores do not match the " + std::to_string(n) +
                  " events");
    if (s.models1.size() != s.models2.size() || (!s.models1.empty() && r.fold.empty()))
      throw Error("study '" + id + "': a step's models need one per fold and object");
  }
}

}  // namespace

namespace store_io {

void writeStudies(Writer& w, const StudyStore* studies, const std::string& previousPath) {
  if (!studies) {
    std::error_code ec;
    if (!fs::exists(previousPath, ec)) return;
    Handle old(H5Fopen(previousPath.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!old.valid() || !has(old, "studies")) return;
    if (H5Ocopy(old, "studies", w.file(), "studies", H5P_DEFAULT, H5P_DEFAULT) < 0)
      w.fail("cannot keep the studies of the previous file");
    return;
  }
  if (studies->empty()) return;
  Handle all = w.group(w.file(), "studies");
  for (const auto& [id, r] : *studies) {
    if (!r) continue;
    checkStudy(id, *r);
    Handle g = w.group(all, id);
    w.vector(g, "resonance", r->resonance);
    w.vector(g, "weight", r->weight);
    w.vector(g, "truth", r->truth);
    w.vector(g, "score", r->score);
    w.vector(g, "supervised", r->supervised);
    w.vector(g, "start1", r->start1);
    w.vector(g, "start2", r->start2);
    w.vector(g, "start_combined", r->startCombined);
    if (!r->fold.empty()) w.vector(g, "fold", r->fold);
    std::vector<double> metrics, purity;
    metricsRow(metrics, r->metrics);
    metricsRow(metrics, r->supervisedMetrics);
    metricsRow(metrics, r->startMetrics);
    metricsRow(metrics, r->startMetrics1);
    metricsRow(metrics, r->startMetrics2);
    Handle steps = w.group(g, "steps");
    for (std::size_t k = 0; k < r->steps.size(); ++k) {
      const StudyStep& s = r->steps[k];
      Handle sg = w.group(steps, "step" + std::to_string(k));
      w.vector(sg, "score1", s.score1);
      w.vector(sg, "score2", s.score2);
      w.vector(sg, "combined", s.combined);
      for (const auto& [name, models] :
           {std::pair{"models1", &s.models1}, std::pair{"models2", &s.models2}}) {
        if (models->empty()) continue;
        Handle mg = w.group(sg, name);
        w.attribute(mg, "suffix", s.modelSuffix);
        for (std::size_t f = 0; f < models->size(); ++f)
          w.vector(mg, "fold" + std::to_string(f),
                   std::vector<std::uint8_t>((*models)[f].begin(), (*models)[f].end()));
      }
      metricsRow(metrics, s.metrics1);
      metricsRow(metrics, s.metrics2);
      metricsRow(metrics, s.metricsCombined);
      purity.insert(purity.end(), {s.purity1, s.purity2});
    }
    w.vector(g, "metrics", metrics, 4);
    w.vector(g, "purity", purity, 2);
    Handle bump = w.group(g, "bump");
    for (std::size_t k = 0; k < r->bumps.size(); ++k) {
      const StudyBump& b = r->bumps[k];
      Handle bg = w.group(bump, "cut" + std::to_string(k));
      w.vector(bg, "edges", b.edges);
      w.vector(bg, "all", b.all);
      w.vector(bg, "signal", b.signal);
      w.vector(bg, "background", b.background);
      w.vector(bg, "reference", b.reference);
      w.vector(bg, "fit", b.fit);
      w.vector(
          bg, "numbers",
          std::vector<double>{b.efficiency, b.threshold, b.observed, b.expected, b.significance});
      w.attribute(bg, "fit_error", b.fitError);
    }
    if (!r->scan.empty()) {
      std::vector<double> scan;
      std::string methods;
      for (const ScanPoint& p : r->scan) {
        scan.insert(scan.end(), {p.sOverB, static_cast<double>(p.signalEvents),
                                 static_cast<double>(p.backgroundEvents), p.metrics.auc,
                                 p.metrics.rejectionAt02, p.metrics.maxSignificanceImprovement,
                                 p.metrics.efficiencyAtMaxSic, p.seconds});
        methods += (methods.empty() ? "" : ",") + p.method;
      }
      w.vector(g, "scan", scan, kScanColumns);
      w.attribute(g, "scan_methods", methods);
    }
    w.attribute(g, "seconds", std::to_string(r->seconds));
    w.attribute(g, "bump_error", r->bumpError);
  }
}

}  // namespace store_io

StudyStore readStudyStore(const std::string& path) {
  StudyStore out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  const h5::ErrorSilencer quiet;
  Reader r(path);
  if (r.attribute(r.file(), "imbw_content") != "imbalance workbench run results")
    r.fail("not a run results file of Imbalance Workbench");
  if (!has(r.file(), "studies")) return out;
  Handle all(H5Gopen2(r.file(), "studies", H5P_DEFAULT));
  for (const std::string& id : store_io::childNames(r, all, "the studies")) {
    auto s = std::make_shared<StudyResult>();
    Handle g(H5Gopen2(all, id.c_str(), H5P_DEFAULT));
    if (!g.valid()) r.fail("cannot open study '" + id + "'");
    s->resonance = r.vector<double>(g, "resonance");
    s->weight = r.vector<double>(g, "weight");
    s->truth = r.vector<std::uint8_t>(g, "truth");
    s->score = r.vector<double>(g, "score");
    s->supervised = r.vector<double>(g, "supervised");
    s->start1 = r.vector<double>(g, "start1");
    s->start2 = r.vector<double>(g, "start2");
    s->startCombined = r.vector<double>(g, "start_combined");
    if (has(g, "fold")) s->fold = r.vector<std::int32_t>(g, "fold");
    std::size_t cols = 0;
    const std::vector<double> metrics = r.vector<double>(g, "metrics", &cols);
    const std::vector<double> purity = r.vector<double>(g, "purity", &cols);
    s->metrics = metricsAt(metrics, 0);
    s->supervisedMetrics = metricsAt(metrics, 1);
    s->startMetrics = metricsAt(metrics, 2);
    s->startMetrics1 = metricsAt(metrics, 3);
    s->startMetrics2 = metricsAt(metrics, 4);
    Handle steps(H5Gopen2(g, "steps", H5P_DEFAULT));
    for (std::size_t k = 0;; ++k) {
      const std::string name = "step" + std::to_string(k);
      if (!steps.valid() || !has(steps, name)) break;
      Handle sg(H5Gopen2(steps, name.c_str(), H5P_DEFAULT));
      StudyStep st;
      st.score1 = r.vector<double>(sg, "score1");
      st.score2 = r.vector<double>(sg, "score2");
      st.combined = r.vector<double>(sg, "combined");
      for (const auto& [name, models] :
           {std::pair{"models1", &st.models1}, std::pair{"models2", &st.models2}}) {
        if (!has(sg, name)) continue;
        Handle mg(H5Gopen2(sg, name, H5P_DEFAULT));
        st.modelSuffix = r.attribute(mg, "suffix");
        for (std::size_t f = 0; has(mg, "fold" + std::to_string(f)); ++f) {
          const auto bytes = r.vector<std::uint8_t>(mg, "fold" + std::to_string(f));
          models->emplace_back(bytes.begin(), bytes.end());
        }
      }
      st.metrics1 = metricsAt(metrics, 5 + 3 * k);
      st.metrics2 = metricsAt(metrics, 6 + 3 * k);
      st.metricsCombined = metricsAt(metrics, 7 + 3 * k);
      if (2 * k + 1 < purity.size()) {
        st.purity1 = purity[2 * k];
        st.purity2 = purity[2 * k + 1];
      }
      s->steps.push_back(std::move(st));
    }
    Handle bump(H5Gopen2(g, "bump", H5P_DEFAULT));
    for (std::size_t k = 0;; ++k) {
      const std::string name = "cut" + std::to_string(k);
      if (!bump.valid() || !has(bump, name)) break;
      Handle bg(H5Gopen2(bump, name.c_str(), H5P_DEFAULT));
      StudyBump b;
      b.edges = r.vector<double>(bg, "edges");
      b.all = r.vector<double>(bg, "all");
      b.signal = r.vector<double>(bg, "signal");
      b.background = r.vector<double>(bg, "background");
      b.reference = r.vector<double>(bg, "reference");
      b.fit = r.vector<double>(bg, "fit");
      const std::vector<double> n = r.vector<double>(bg, "numbers");
      if (n.size() != 5) r.fail("study '" + id + "': " + name + "/numbers needs 5 values");
      b.efficiency = n[0];
      b.threshold = n[1];
      b.observed = n[2];
      b.expected = n[3];
      b.significance = n[4];
      b.fitError = r.attribute(bg, "fit_error");
      s->bumps.push_back(std::move(b));
    }
    if (has(g, "scan")) {
      std::size_t columns = 0;
      const std::vector<double> scan = r.vector<double>(g, "scan", &columns);
      std::vector<std::string> methods;
      const std::string text = r.attribute(g, "scan_methods");
      for (std::size_t pos = 0; pos <= text.size();) {
        const std::size_t comma = std::min(text.find(',', pos), text.size());
        methods.push_back(text.substr(pos, comma - pos));
        pos = comma + 1;
      }
      if (columns != kScanColumns || methods.size() != scan.size() / kScanColumns)
        r.fail("study '" + id + "': scan needs " + std::to_string(kScanColumns) +
               " columns and one method per row (attribute scan_methods)");
      for (std::size_t k = 0; k < methods.size(); ++k) {
        const double* row = scan.data() + k * kScanColumns;
        ScanPoint p;
        p.sOverB = row[0];
        p.method = methods[k];
        p.signalEvents = static_cast<std::size_t>(row[1]);
        p.backgroundEvents = static_cast<std::size_t>(row[2]);
        p.metrics = {row[3], row[4], row[5], row[6]};
        p.seconds = row[7];
        s->scan.push_back(std::move(p));
      }
    }
    try {
      s->seconds = std::stod(r.attribute(g, "seconds"));
    } catch (const std::exception&) {
      s->seconds = 0.0;
    }
    s->bumpError = r.attribute(g, "bump_error");
    try {
      checkStudy(id, *s);
    } catch (const Error& e) {
      r.fail(e.what());
    }
    out[id] = std::move(s);
  }
  return out;
}

}  // namespace imbw
