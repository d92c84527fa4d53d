#include "app/cli/study_runner.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "app/cli/weak_cli.h"
#include "core/analysis/analysis_loader.h"
#include "core/expr/expression.h"
#include "core/project/run_store.h"
#include "core/util/error.h"

namespace imbw::cli {

StudyEvents loadStudyEvents(const Analysis& analysisIn, const WeakStudy& st) {
  Analysis analysis = analysisIn;
  analysis.cut = st.cut;
  std::vector<std::string> names = st.config.object1Features;
  for (const std::string& n : st.config.object2Features)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  LoadOptions opts;
  opts.extraColumns = names;
  opts.extraColumns.push_back(st.resonance);
  const bool starts = st.method == "tnt" && st.usesStartExpressions();
  if (starts)
    for (const std::string* text : {&st.start1, &st.start2}) {
      try {
        const Expression e = Expression::parse(*text);
        for (const std::string& v : e.variables()) opts.extraColumns.push_back(v);
      } catch (const Error& e) {
        throw Error("study '" + st.name + "': starting score '" + *text + "': " + e.what());
      }
    }
  const LoadedAnalysis loaded = loadAnalysis(analysis, opts);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  StudyEvents e;
  e.x = FeatureMatrix::fromTable(loaded.table, names);
  const std::vector<float>& m = loaded.table.column(st.resonance);
  e.resonance.assign(m.begin(), m.end());
  for (std::size_t i = 0; i < e.resonance.size(); ++i)
    if (std::isnan(e.resonance[i]))
      throw Error("event " + std::to_string(i) + " has no value of the resonance variable '" +
                  st.resonance + "'");
  if (starts) {
    std::vector<std::size_t> rows(loaded.table.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    e.start1 = evaluateStartScore("object 1's starting score", st.start1, loaded.table, rows);
    e.start2 = evaluateStartScore("object 2's starting score", st.start2, loaded.table, rows);
  }
  return e;
}

std::vector<std::string> chooseStudies(const Project& project, const std::string& text) {
  std::vector<std::string> ids;
  if (text == "none") return ids;
  if (text == "all") {
    for (const auto& s : project.studies) ids.push_back(s.id);
    return ids;
  }
  // A study's full name may hold commas: taken whole when it is one.
  std::vector<std::string> items;
  bool whole = project.findStudy(text) != nullptr;
  for (const auto& s : project.studies) whole = whole || s.name == text;
  if (whole)
    items.push_back(text);
  else
    items = splitList(text);
  if (items.empty()) throw UsageError("--studies needs all, none or study ids / names");
  for (const std::string& item : items) {
    const std::string id = project.studyByIdOrName(item).id;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

bool runStudies(Project& project, const std::vector<std::string>& ids, StudyStore& results,
                int threads, bool quiet, bool detail) {
  StageProgress progress(quiet);
  for (const std::string& id : ids) {
    WeakStudy& st = *project.findStudy(id);
    st.config.threads = threads;
    if (!quiet) std::cerr << "study " << st.id << " '" << st.name << "'\n";
    const StudyEvents events = loadStudyEvents(project.analysis, st);
    std::shared_ptr<const StudyResult> result;
    try {
      result = std::make_shared<StudyResult>(runWeakStudy(st, events, &progress));
    } catch (const Cancelled&) {
      return false;
    } catch (const Error& e) {
      throw Error("study '" + st.name + "': " + e.what());
    }
    st.done = true;
    results[id] = result;
    if (detail) printStudyDetail(std::cout, st, *result);
  }
  return true;
}

void printStudyDetail(std::ostream& os, const WeakStudy& st, const StudyResult& r) {
  os << st.id << "  " << st.name << "  (" << st.method << ", "
     << (st.isScan() ? std::to_string(r.scan.size()) + " points"
                     : std::to_string(r.score.size()) + " events")
     << ", " << fixedText(r.seconds, 1) << " s)\n";
  if (st.isScan()) {
    printScanTable(os, r.scan);
    return;
  }
  if (!r.hasTruth()) {
    os << "  no truth in the selected events: scores and bump hunt only\n";
    return;
  }
  auto row = [&os](const std::string& label, const WeakMetrics& m) {
    os << "  " << std::left << std::setw(32) << label << std::right << std::setw(8)
       << fixedText(m.auc, 3) << std::setw(14) << fixedText(m.rejectionAt02, 1) << std::setw(10)
       << fixedText(m.maxSignificanceImprovement, 2) << '\n';
  };
  os << "  " << std::left << std::setw(32) << "score (truth only to evaluate)" << std::right
     << std::setw(8) << "AUC" << std::setw(14) << "1/eps_B(0.2)" << std::setw(10) << "max SIC"
     << '\n';
  if (!r.steps.empty()) {
    row("start combined", r.startMetrics);
    for (std::size_t k = 0; k < r.steps.size(); ++k) {
      const std::string p = "iteration " + std::to_string(k + 1) + " ";
      row(p + "object 1", r.steps[k].metrics1);
      row(p + "object 2", r.steps[k].metrics2);
      row(p + "combined", r.steps[k].metricsCombined);
      os << "    tag purity: object 1 " << fixedText(r.steps[k].purity1, 3) << ", object 2 "
         << fixedText(r.steps[k].purity2, 3) << '\n';
    }
  } else {
    row(st.method, r.metrics);
  }
  if (!r.supervised.empty()) row("supervised reference", r.supervisedMetrics);
}

double studySignalOverBackground(const StudyResult& r) {
  if (!r.hasTruth()) return std::nan("");
  double s = 0.0, b = 0.0;
  for (std::size_t i = 0; i < r.truth.size(); ++i) (r.truth[i] ? s : b) += r.weight[i];
  return b != 0.0 ? s / b : std::nan("");
}

void printStudiesTable(std::ostream& os, const Project& project, const StudyStore& results,
                       const std::vector<std::string>& ids) {
  std::size_t nameWidth = 5;
  for (const std::string& id : ids)
    nameWidth = std::max(nameWidth, id.size() + 2 + project.findStudy(id)->name.size());
  nameWidth = std::min<std::size_t>(nameWidth, 40);
  const int w = static_cast<int>(nameWidth) + 2;
  os << "weak-supervision studies (inside the window, against the truth; SIC = eps_S/sqrt(eps_B))"
     << "\n"
     << std::left << std::setw(w) << "study" << std::setw(13) << "method" << std::right
     << std::setw(9) << "S/B" << std::setw(8) << "AUC" << std::setw(14) << "1/eps_B(0.2)"
     << std::setw(10) << "max SIC" << std::setw(12) << "sup. AUC" << std::setw(10) << "sup. SIC"
     << '\n';
  for (const std::string& id : ids) {
    const WeakStudy& st = *project.findStudy(id);
    std::string label = st.id + "  " + st.name;
    if (label.size() > nameWidth) label = label.substr(0, nameWidth - 3) + "...";
    os << std::left << std::setw(w) << label << std::setw(13) << st.method << std::right;
    const auto it = results.find(id);
    if (it == results.end() || !it->second) {
      os << "  not run\n";
      continue;
    }
    const StudyResult& r = *it->second;
    if (st.isScan()) {  // one row per point under the study's
      os << '\n';
      for (const ScanPoint& p : r.scan)
        os << std::left << std::setw(w) << "" << std::setw(13) << p.method << std::right
           << std::setw(9) << fixedText(p.sOverB, 4) << std::setw(8) << fixedText(p.metrics.auc, 3)
           << std::setw(14) << fixedText(p.metrics.rejectionAt02, 1) << std::setw(10)
           << fixedText(p.metrics.maxSignificanceImprovement, 2) << '\n';
      continue;
    }
    if (!r.hasTruth()) {
      os << std::setw(9) << "-"
         << "  no truth in the selected events\n";
      continue;
    }
    const bool sup = !r.supervised.empty();
    os << std::setw(9) << fixedText(studySignalOverBackground(r), 4) << std::setw(8)
       << fixedText(r.metrics.auc, 3) << std::setw(14) << fixedText(r.metrics.rejectionAt02, 1)
       << std::setw(10) << fixedText(r.metrics.maxSignificanceImprovement, 2) << std::setw(12)
       << (sup ? fixedText(r.supervisedMetrics.auc, 3) : "-") << std::setw(10)
       << (sup ? fixedText(r.supervisedMetrics.maxSignificanceImprovement, 2) : "-") << '\n';
  }
}

void printScanTable(std::ostream& os, const std::vector<ScanPoint>& points) {
  os << std::left << std::setw(8) << "S/B" << std::setw(13) << "method" << std::right
     << std::setw(8) << "N_S" << std::setw(9) << "N_B" << std::setw(8) << "AUC" << std::setw(14)
     << "1/eps_B(0.2)" << std::setw(10) << "max SIC" << std::setw(9) << "t [s]" << '\n';
  for (const auto& p : points)
    os << std::left << std::setw(8) << fixedText(p.sOverB, 4) << std::setw(13) << p.method
       << std::right << std::setw(8) << p.signalEvents << std::setw(9) << p.backgroundEvents
       << std::setw(8) << fixedText(p.metrics.auc, 3) << std::setw(14)
       << fixedText(p.metrics.rejectionAt02, 1) << std::setw(10)
       << fixedText(p.metrics.maxSignificanceImprovement, 2) << std::setw(9)
       << fixedText(p.seconds, 1) << '\n';
}

void writeScanCsv(std::ostream& out, const std::vector<ScanPoint>& points) {
  out << "s_over_b,method,signal_events,background_events,auc,rejection_at_eff_s_0.2,max_sic,"
         "eff_s_at_max_sic,seconds\n";
  const auto precision = out.precision(9);
  for (const auto& p : points)
    out << p.sOverB << ',' << p.method << ',' << p.signalEvents << ',' << p.backgroundEvents << ','
        << p.metrics.auc << ',' << p.metrics.rejectionAt02 << ','
        << p.metrics.maxSignificanceImprovement << ',' << p.metrics.efficiencyAtMaxSic << ','
        << p.seconds << '\n';
  out.precision(precision);
}

void writeScanMarkdown(std::ostream& out, const std::vector<ScanPoint>& points) {
  out << "| S/B | method | N_S | N_B | AUC | 1/ε_B (ε_S = 0.2) | max ε_S/√ε_B | t [s] |\n"
      << "|---:|:---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& p : points)
    out << "| " << fixedText(p.sOverB, 4) << " | " << p.method << " | " << p.signalEvents << " | "
        << p.backgroundEvents << " | " << fixedText(p.metrics.auc, 3) << " | "
        << fixedText(p.metrics.rejectionAt02, 1) << " | "
        << fixedText(p.metrics.maxSignificanceImprovement, 2) << " | " << fixedText(p.seconds, 1)
        << " |\n";
}

std::vector<std::string> runCommandStudies(const Project& project, const Args& args) {
  if (args.options.count("--studies")) return chooseStudies(project, args.option("--studies"));
  if (args.options.count("--run") || args.options.count("--model")) return {};
  return chooseStudies(project, "all");
}

int studyThreads(const Args& args) {
  if (!args.options.count("--threads")) return 2;
  const std::vector<double> t = parseNumberList("--threads", args.option("--threads"));
  if (t.size() != 1 || t[0] < 1 || t[0] != static_cast<int>(t[0]))
    throw UsageError("--threads needs an integer >= 1");
  return static_cast<int>(t[0]);
}

bool runAndReportStudies(Project& project, const std::vector<std::string>& ids, StudyStore& results,
                         const Args& args) {
  const bool finished =
      runStudies(project, ids, results, studyThreads(args), args.flag("--quiet"), false);
  std::cout << '\n';
  printStudiesTable(std::cout, project, results, ids);
  if (!finished) std::cout << "\nthe studies were cancelled; later studies were not started\n";
  return finished;
}

int runOnlyStudies(Project& project, const std::string& path, const std::vector<std::string>& ids,
                   const Args& args) {
  for (const char* o :
       {"--run", "--out", "--scores", "--save-models", "--jobs", "--folds", "--seed"})
    if (args.options.count(o))
      throw UsageError(std::string(o) + " is for runs, and '" + path +
                       "' has none (only weak-supervision studies)");
  const std::string sidecar = sidecarPath(path);
  // Read before the long work, so a damaged sidecar stops us first.
  const auto runs = args.flag("--save") ? readRunStore(sidecar)
                                        : std::map<std::string, std::shared_ptr<const StoredRun>>{};
  StudyStore results = args.flag("--save") ? readStudyStore(sidecar) : StudyStore{};
  std::cout << "analysis  " << path << '\n';
  const bool finished = runAndReportStudies(project, ids, results, args);
  if (args.flag("--save")) {
    writeRunStore(sidecar, runs, {}, &results);
    project.save(path);
    std::cerr << "results saved in " << path << " and " << sidecar << '\n';
  }
  return finished ? 0 : 130;
}

}  // namespace imbw::cli
