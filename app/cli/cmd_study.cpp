// imbalance-cli study PROJECT.json: runs the weak-supervision studies stored in a project (or
// adds one), keeps their results in the sidecar and marks them done: the window's code path
// (runWeakStudy), so the window shows them after reopening.

#include <iostream>

#include "app/cli/study_runner.h"
#include "app/cli/weak_cli.h"
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
                               "       imbalance-cli study PROJECT.json --remove ID|NAME\n"
                               "       imbalance-cli study PROJECT.json --rename ID|NAME "
                               "NEW_NAME\n"
                               "\n"
                               "Runs the project's weak-supervision studies (every one, or "
                               "--study), as the window's\n"
                               "Weak supervision dock does, and saves their results in the "
                               "project's sidecar; the window\n"
                               "shows them after reopening. --add first adds a study made of "
                               "the options below.\n"
                               "--remove drops a study and its results; --rename gives it a new "
                               "name (nothing runs).\n"
                               "`imbalance-cli run PROJECT.json` runs the studies after the "
                               "runs, too.\n"
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

// --remove / --rename: the project (and for --remove the sidecar) rewritten, nothing runs.
int editStudies(const imbw::cli::Args& args, imbw::Project& project, const std::string& path) {
  for (const char* o : {"--add", "--study"})
    if (args.options.count(o))
      throw imbw::cli::UsageError(std::string(o) + " does not go with --remove or --rename");
  if (args.options.count("--remove") && args.options.count("--rename"))
    throw imbw::cli::UsageError("give --remove or --rename, not both");
  if (args.options.count("--rename")) {
    const imbw::WeakStudy& st = project.studyByIdOrName(args.option("--rename"));
    const std::string id = st.id, old = st.name;
    project.renameStudy(id, args.positional[1]);
    project.save(path);
    std::cerr << "study " << id << " '" << old << "' is now '" << project.findStudy(id)->name
              << "' in " << path << '\n';
    return 0;
  }
  const imbw::WeakStudy st = project.studyByIdOrName(args.option("--remove"));
  const std::string sidecar = imbw::sidecarPath(path);
  const auto runs = imbw::readRunStore(sidecar);
  imbw::StudyStore studies = imbw::readStudyStore(sidecar);
  studies.erase(st.id);
  project.removeStudy(st.id);
  // The sidecar first: a project naming a study whose results are gone would be worse than
  // results no study names (they are dropped by the next save).
  imbw::writeRunStore(sidecar, runs, {}, &studies);
  project.save(path);
  std::cerr << "removed study " << st.id << " '" << st.name << "' from " << path << '\n';
  return 0;
}

int runStudy(const std::vector<std::string>& argv) {
  std::set<std::string> valueOptions = imbw::cli::weakValueOptions();
  for (const char* o : {"--study", "--add", "--method", "--start1", "--start2", "--efficiencies",
                        "--remove", "--rename"})
    valueOptions.insert(o);
  const auto args = imbw::cli::parseArgs(argv, valueOptions, {"--quiet", "--no-supervised"});
  const bool rename = args.options.count("--rename") > 0;
  if (args.positional.size() != (rename ? 2u : 1u))
    throw imbw::cli::UsageError(rename ? "--rename needs the study and its new name: study "
                                         "PROJECT.json --rename ID NEW_NAME"
                                       : "study needs exactly one project file");
  const std::string path = args.positional[0];
  imbw::Project project = imbw::Project::load(path);
  if (args.options.count("--remove") || args.options.count("--rename"))
    return editStudies(args, project, path);
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
  if (!imbw::cli::runStudies(project, ids, studies, threads, args.flag("--quiet"), true)) {
    std::cerr << "cancelled: nothing saved\n";
    return 130;
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
