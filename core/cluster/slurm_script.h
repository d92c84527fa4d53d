#pragma once

#include <string>
#include <vector>

#include "core/cluster/cluster_state.h"

namespace imbw {

/// What `submit --slurm` asks of Slurm. Empty strings: not given (Slurm's defaults apply).
struct SlurmOptions {
  std::string partition;  ///< --partition
  std::string time;       ///< --time, e.g. "30" (minutes) or "2:00:00"
  std::string memory;     ///< --mem, e.g. "4G"
  int cpus = 1;           ///< --cpus-per-task, and the threads of every fit
  int maxParallel = 0;    ///< the array's "%N" throttle (0: none)
  std::string jobName = "imbw";
};

/// The batch script: plain bash with #SBATCH lines (job name, output log, cpus, memory, time,
/// partition), a comment per task, and one line that runs `CLI task SPEC` for the array task's
/// spec. Every path absolute, so a shared file system is all it needs. The array range is not
/// in the script but on sbatch's command line (sbatchArguments), so the same script can be
/// resubmitted for some of its tasks.
std::string slurmBatchScript(const std::string& cliPath, const std::string& projectPath,
                             const std::string& logDir, const std::vector<SubmittedTask>& tasks,
                             const SlurmOptions& options);

/// sbatch's arguments after "sbatch": --parsable --array=0-N[%M] SCRIPT.
std::vector<std::string> sbatchArguments(const std::string& script, std::size_t taskCount,
                                         const SlurmOptions& options);

/// A command line as a shell would need it typed (single quotes where needed).
std::string shellQuote(const std::string& word);

/// Checks a --time / --mem / --partition value before anything is written: Slurm's formats
/// ("MM", "MM:SS", "HH:MM:SS", "D-HH[:MM[:SS]]"; a number with K/M/G/T; a partition name).
/// Throws imbw::Error naming the option and the value.
void validateSlurmOptions(const SlurmOptions& options);

}  // namespace imbw
