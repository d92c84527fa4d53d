#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imbw {

/// One record of `scontrol -o show job JID` (one line; one array task, or the not yet started
/// tasks of an array together: ArrayTaskId=2-3%2), or of `squeue -h -j JID` (default format).
struct SlurmTaskRecord {
  std::string arrayJobId;
  std::vector<int> indices;  ///< the array task ids this record is about
  std::string state;         ///< PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, ...
  std::string reason;        ///< Reason=... (scontrol) or the (REASON) column (squeue); "" if none
  int exitCode = 0;          ///< ExitCode=E:S → E
  int exitSignal = 0;        ///< → S
  std::string timeLimit;     ///< TimeLimit=...
  std::string stdOut;        ///< StdOut=... ("" from squeue)
};

/// "5" or "5;cluster" (sbatch --parsable) → "5"; throws imbw::Error quoting the text otherwise.
std::string parseSbatchJobId(const std::string& output);

/// Array task ids of "3", "2-3%2", "0,4-6", "[2-3%2]" (the throttle "%N" ignored).
std::vector<int> parseArrayIndices(const std::string& text);

/// Every line of `scontrol -o show job JID`. A job Slurm no longer knows ("Invalid job id
/// specified") gives no records.
std::vector<SlurmTaskRecord> parseScontrolJobs(const std::string& output);

/// Every line of `squeue -h -j JID` in the default format (JOBID PARTITION NAME USER ST TIME
/// NODES NODELIST(REASON)), the short state codes spelled out (PD → PENDING, R → RUNNING, ...).
std::vector<SlurmTaskRecord> parseSqueueLines(const std::string& output);

/// What `status` shows of one fit task.
enum class TaskState { Pending, Running, Done, Failed, Cancelled, Unknown };
const char* taskStateName(TaskState s);

struct TaskStatus {
  TaskState state = TaskState::Unknown;
  std::string detail;  ///< why it failed or waits, in words (the log is named by the caller)
};

/// A task's state from what is on disk (its result file, its RESULT.failed message) and what
/// Slurm says about it (nullptr: Slurm no longer knows the job). A result file is "done"
/// whatever Slurm says; Slurm's TIMEOUT and a memory kill (killedForMemory) are "failed" with
/// the limit named. `logTail`: the last lines of the task's log ("" when not read).
TaskStatus classifyTask(bool resultExists, const std::optional<std::string>& failedMessage,
                        const SlurmTaskRecord* record, const std::string& logTail = {});

/// Whether Slurm killed the task for memory: the state OUT_OF_MEMORY, the reason OutOfMemory,
/// the exit code 0:125 (Slurm's SIG_OOM), or slurmstepd's OOM words in the log's last lines.
bool killedForMemory(const SlurmTaskRecord& record, const std::string& logTail);

/// The record for array task `index` among `records` (nullptr when none mentions it).
const SlurmTaskRecord* findRecord(const std::vector<SlurmTaskRecord>& records, int index);

}  // namespace imbw
