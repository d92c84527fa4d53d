// imbalance-cli study PROJECT.json: runs the weak-supervision studies stored in a project (or
// adds one), keeps their results in the sidecar and marks them done: the window's code path
// (runWeakStudy), so the window shows them after reopening.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "app/cli/weak_cli.h"
#include "core/analysis/analysis_loader.h"
#include "core/expr/expression.h"
#include "core/project/project.h"
#include "core/project/run_store.h"
#include "core/project/study_store.h"
#include "core/unsup/weak_study_run.h"
#include "core/util/error.h"

namespace {

const std::string kUsage = std::string(
                               "usage: imbalance-cli study PROJECT.json [--study ID|NAME] "
                               "[--threads N] [--quiet]\n"
                               "       imbalance-cli study PROJECT.json --add NAME [--method M] "
                               "[--start1 EXPR --start2 EXPR]\n"
                               "                                        [study options]\n"
                               "\n"
                               "Runs the project's weak-supervision studies (every one, or "
                               "--study), as the window's\n"
                               "Weak supervision dock does, and saves their results in the "
                               "project's sidecar; the window\n"
                               "shows them after reopening. --add first adds a study made of "
                               "the options below.\n"
                               "\n"
                               "  --method M        tnt (default), cwola, autoencoder or "
                               "supervised\n"
                               "  --start1 EXPR     Tag N' Train: object 1's starting score as "
                               "an expression (the cut's\n"
                               "                    syntax, e.g. -j1_tau21); with --start2; "
                               "default the autoencoders\n"
                               "  --start2 EXPR     likewise for object 2\n"
                               "  --efficiencies L  the bump hunt's cuts; default "
                               "0.1,0.01,0.001\n"
                               "  --no-supervised   no supervised reference\n") +
                           imbw::cli::kWeakOptionsUsage;

imbw::WeakStudy studyFromOptions(const imbw::cli::Args& args, const imbw::Project& project) {
  imbw::WeakStudy st;
  st.id = project.newStudyId();
  st.name = args.option("--add");
  if (st.name.empty()) throw imbw::cli::UsageError("--add needs a name");
  st.method = args.option("--method", "tnt");
  try {
    imbw::checkWeakMethod(st.method);
  } catch (const imbw::Error& e) {
    throw imbw::cli::UsageError(std::string("--method: ") + e.what());
  }
  st.resonance = args.option("--resonance", "mjj");
  st.cut = project.analysis.cut;
  st.config = imbw::cli::weakConfig(args, project.analysis);
  st.start1 = args.option("--start1");
  st.start2 = args.option("--start2");
  if (st.start1.empty() != st.start2.empty())
    throw imbw::cli::UsageError("--start1 and --start2 go together (one expression per object)");
  if (st.usesStartExpressions() && st.method != "tnt")
    throw imbw::cli::UsageError("--start1/--start2 are Tag N' Train's starting scores");
  if (args.options.count("--efficiencies"))
    st.efficiencies = imbw::cli::parseNumberList("--efficiencies", args.option("--efficiencies"));
  st.withSupervised = !args.flag("--no-supervised");
  return st;
}

// The study's events as the window selects them: the analysis with the study's cut.
imbw::StudyEvents loadStudyEvents(const imbw::Analysis& analysisIn, const imbw::WeakStudy& st) {
  imbw::Analysis analysis = analysisIn;
  analysis.cut = st.cut;
  std::vector<std::string> names = st.config.object1Features;
  for (const std::string& n : st.config.object2Features)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  imbw::LoadOptions opts;
  opts.extraColumns = names;
  opts.extraColumns.push_back(st.resonance);
  const bool starts = st.method == "tnt" && st.usesStartExpressions();
  if (starts)
    for (const std::string* text : {&st.start1, &st.start2}) {
      try {
        const imbw::Expression e = imbw::Expression::parse(*text);
        for (const std::string& v : e.variables()) opts.extraColumns.push_back(v);
      } catch (const imbw::Error& e) {
        throw imbw::Error("study '" + st.name + "': starting score '" + *text + "': " + e.what());
      }
    }
  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis, opts);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  imbw::StudyEvents e;
  e.x = imbw::FeatureMatrix::fromTable(loaded.table, names);
  const std::vector<float>& m = loaded.table.column(st.resonance);
  e.resonance.assign(m.begin(), m.end());
  for (std::size_t i = 0; i < e.resonance.size(); ++i)
    if (std::isnan(e.resonance[i]))
      throw imbw::Error("event " + std::to_string(i) + " has no value of the resonance variable '" +
                        st.resonance + "'");
  if (starts) {
    std::vector<std::size_t> rows(loaded.table.size());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    e.start1 = imbw::evaluateStartScore("object 1's starting score", st.start1, loaded.table, rows);
    e.start2 = imbw::evaluateStartScore("object 2's starting score", st.start2, loaded.table, rows);
  }
  return e;
}

void printResult(const imbw::WeakStudy& st, const imbw::StudyResult& r) {
  std::cout << st.id << "  " << st.name << "  (" << st.method << ", " << r.score.size()
            << " events, " << imbw::cli::fixedText(r.seconds, 1) << " s)\n";
  if (!r.hasTruth()) {
    std::cout << "  no truth in the selected events: scores and bump hunt only\n";
    return;
  }
  auto row = [](const std::string& label, const imbw::WeakMetrics& m) {
    std::cout << "  " << std::left << std::setw(32) << label << std::right << std::setw(8)
              << imbw::cli::fixedText(m.auc, 3) << std::setw(14)
              << imbw::cli::fixedText(m.rejectionAt02, 1) << std::setw(10)
              << imbw::cli::fixedText(m.maxSignificanceImprovement, 2) << '\n';
  };
  std::cout << "  " << std::left << std::setw(32) << "score (truth only to evaluate)" << std::right
            << std::setw(8) << "AUC" << std::setw(14) << "1/eps_B(0.2)" << std::setw(10)
            << "max SIC" << '\n';
  if (!r.steps.empty()) {
    row("start combined", r.startMetrics);
    for (std::size_t k = 0; k < r.steps.size(); ++k) {
      const std::string p = "iteration " + std::to_string(k + 1) + " ";
      row(p + "object 1", r.steps[k].metrics1);
      row(p + "object 2", r.steps[k].metrics2);
      row(p + "combined", r.steps[k].metricsCombined);
      std::cout << "    tag purity: object 1 " << imbw::cli::fixedText(r.steps[k].purity1, 3)
                << ", object 2 " << imbw::cli::fixedText(r.steps[k].purity2, 3) << '\n';
    }
  } else {
    row(st.method, r.metrics);
  }
  if (!r.supervised.empty()) row("supervised reference", r.supervisedMetrics);
}

int runStudy(const std::vector<std::string>& argv) {
  std::set<std::string> valueOptions = imbw::cli::weakValueOptions();
  for (const char* o : {"--study", "--add", "--method", "--start1", "--start2", "--efficiencies"})
    valueOptions.insert(o);
  const auto args = imbw::cli::parseArgs(argv, valueOptions, {"--quiet", "--no-supervised"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("study needs exactly one project file");
  const std::string path = args.positional[0];
  imbw::Project project = imbw::Project::load(path);
  std::vector<std::string> ids;
  if (args.options.count("--add")) {
    if (args.options.count("--study"))
      throw imbw::cli::UsageError("--add and --study do not go together");
    project.studies.push_back(studyFromOptions(args, project));
    ids.push_back(project.studies.back().id);
  } else if (args.options.count("--study")) {
    ids.push_back(project.studyByIdOrName(args.option("--study")).id);
  } else {
    for (const auto& s : project.studies) ids.push_back(s.id);
    if (ids.empty())
      throw imbw::Error("project '" + path +
                        "' has no weak-supervision study (add one with --add NAME or in the "
                        "window's Weak supervision dock)");
  }
  int threads = 2;
  if (args.options.count("--threads")) {
    const std::vector<double> t = imbw::cli::parseNumberList("--threads", args.option("--threads"));
    if (t.size() != 1 || t[0] < 1 || t[0] != static_cast<int>(t[0]))
      throw imbw::cli::UsageError("--threads needs an integer >= 1");
    threads = static_cast<int>(t[0]);
  }
  const std::string sidecar = imbw::sidecarPath(path);
  const auto runs = imbw::readRunStore(sidecar);
  imbw::StudyStore studies = imbw::readStudyStore(sidecar);
  imbw::cli::StageProgress progress(args.flag("--quiet"));
  for (const std::string& id : ids) {
    imbw::WeakStudy& st = *project.findStudy(id);
    st.config.threads = threads;
    const imbw::StudyEvents events = loadStudyEvents(project.analysis, st);
    std::shared_ptr<const imbw::StudyResult> result;
    try {
      result = std::make_shared<imbw::StudyResult>(imbw::runWeakStudy(st, events, &progress));
    } catch (const imbw::Cancelled&) {
      std::cerr << "cancelled: nothing saved\n";
      return 130;
    } catch (const imbw::Error& e) {
      throw imbw::Error("study '" + st.name + "': " + e.what());
    }
    st.done = true;
    studies[id] = result;
    printResult(st, *result);
  }
  // The sidecar (results) first, then the project that names them.
  imbw::writeRunStore(sidecar, runs, {}, &studies);
  project.save(path);
  std::cerr << "saved " << ids.size() << " stud" << (ids.size() == 1 ? "y" : "ies") << " in "
            << path << '\n';
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(study, "run and save a project's weak-supervision studies", kUsage, runStudy)
