// imbalance-cli task SPEC.json: runs one fit task (one fold of one project run) and writes its
// result file; what every Slurm array task and the local executor run.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/project/project.h"
#include "core/tasks/fit_task.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli task SPEC.json [--quiet]\n"
    "\n"
    "Runs one fit task: fold K of run R of a project, described by SPEC.json (written by\n"
    "`submit`), with the same split and seeds as `run` uses, and writes the result file the\n"
    "spec names (HDF5: the fold's held-out and training scores, history, model and metrics).\n"
    "`collect` merges results into the project. When the task fails, the message is also\n"
    "written to RESULT.failed beside the result (and the exit code is 1).\n"
    "\n"
    "  --quiet   no progress lines on stderr\n";

class TaskLog : public imbw::TrainingObserver {
 public:
  TaskLog(std::string label, bool enabled) : m_label(std::move(label)), m_enabled(enabled) {}
  void progress(double fraction, std::string_view stage) override {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (fraction < 1.0 && now - m_last < std::chrono::seconds(10)) return;
    m_last = now;
    std::fprintf(stderr, "%s: %3d%% %s\n", m_label.c_str(), static_cast<int>(fraction * 100),
                 std::string(stage).c_str());
  }
  void foldFinished(const imbw::FoldResult& f) override {
    if (m_enabled)
      std::fprintf(stderr, "%s: fold %d done (AP %.4f, AUC %.4f, %.2f s)\n", m_label.c_str(),
                   f.fold + 1, f.summary.averagePrecision, f.summary.auc, f.fitSeconds);
  }

 private:
  std::string m_label;
  bool m_enabled;
  std::chrono::steady_clock::time_point m_last{};
};

int runTask(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {}, {"--quiet"});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("task needs one SPEC.json");
  const imbw::FitTaskSpec spec = imbw::FitTaskSpec::load(args.positional[0]);
  const std::string failed = spec.result + ".failed";
  std::error_code ec;
  std::filesystem::remove(failed, ec);
  const std::string label = "task " + spec.runId + " ('" + spec.runName + "') fold " +
                            std::to_string(spec.fold + 1) + "/" + std::to_string(spec.folds);
  try {
    TaskLog log(label, !args.flag("--quiet"));
    imbw::runFitTask(spec, log);
  } catch (const std::exception& e) {
    try {
      imbw::writeFileAtomically(failed, std::string(e.what()) + "\n");
    } catch (const imbw::Error&) {
      // the result folder itself is the problem; the message still reaches stderr
    }
    throw;
  }
  if (!args.flag("--quiet"))
    std::fprintf(stderr, "%s: result in %s\n", label.c_str(), spec.result.c_str());
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(task, "run one fit task (one fold of one run) from its spec", kUsage, runTask)
