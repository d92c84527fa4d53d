#include "core/cluster/slurm_script.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <sstream>

#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

std::string shellQuote(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string("/._-+=:,%@").find(c) != std::string::npos;
  });
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void validateSlurmOptions(const SlurmOptions& o) {
  static const std::regex time(
      R"(^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+(:\d{1,2}(:\d{1,2})?)?)$)");
  static const std::regex mem(R"(^\d+[KMGT]?$)");
  static const std::regex name(R"(^[A-Za-z0-9_.,-]+$)");
  if (!o.time.empty() && !std::regex_match(o.time, time))
    throw Error("--time '" + o.time +
                "' is not a Slurm time (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS)");
  if (!o.memory.empty() && !std::regex_match(o.memory, mem))
    throw Error("--mem '" + o.memory + "' is not a Slurm memory size (a number with K, M, G or T)");
  if (!o.partition.empty() && !std::regex_match(o.partition, name))
    throw Error("--partition '" + o.partition + "' is not a partition name");
  if (o.cpus < 1) throw Error("--cpus must be at least 1");
  if (o.maxParallel < 0) throw Error("--max-parallel must be at least 1");
}

std::string slurmBatchScript(const std::string& cliPath, const std::string& projectPath,
                             const std::string& logDir, const std::vector<SubmittedTask>& tasks,
                             const SlurmOptions& o) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Fit tasks of the Imbalance Workbench project\n"
    << "#   " << projectPath << "\n"
    << "# one Slurm array task per fit task (one fold of one run). Submitted by\n"
    << "# `imbalance-cli submit` as: sbatch --parsable --array=0-" << tasks.size() - 1
    << (o.maxParallel > 0 ? "%" + std::to_string(o.maxParallel) : std::string()) << " "
    << "THIS_SCRIPT\n"
    << "# Edit the #SBATCH lines for your cluster (account, QOS, modules) and submit it again the\n"
    << "# same way; `imbalance-cli status` and `collect` find the results where the specs say.\n"
    << "#SBATCH --job-name=" << o.jobName << "\n"
    << "#SBATCH --output=" << (fs::path(logDir) / "%A_%a.log").string() << "\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n";
  if (!o.memory.empty()) s << "#SBATCH --mem=" << o.memory << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  s << "\nset -euo pipefail\n"
    << "# One thread count for every library the fit uses (the spec says the same).\n"
    << "export OMP_NUM_THREADS=" << o.cpus << "\n\n"
    << "specs=(\n";
  for (const SubmittedTask& t : tasks)
    s << "  " << shellQuote(t.spec) << "  # " << t.index << ": run " << t.runId << ", fold "
      << t.fold + 1 << "\n";
  s << ")\n\n"
    << "spec=${specs[$SLURM_ARRAY_TASK_ID]}\n"
    << "echo \"imbalance-cli task $spec (array task $SLURM_ARRAY_TASK_ID of job "
       "$SLURM_ARRAY_JOB_ID on $(hostname))\"\n"
    << "exec " << shellQuote(cliPath) << " task \"$spec\"\n";
  return s.str();
}

std::vector<std::string> sbatchArguments(const std::string& script, std::size_t taskCount,
                                         const SlurmOptions& o) {
  std::string array = "--array=0-" + std::to_string(taskCount - 1);
  if (o.maxParallel > 0) array += "%" + std::to_string(o.maxParallel);
  return {"--parsable", array, script};
}

}  // namespace imbw
