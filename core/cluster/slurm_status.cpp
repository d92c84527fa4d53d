#include "core/cluster/slurm_status.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/util/error.h"

namespace imbw {

namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

int toInt(const std::string& s, const std::string& what) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw Error("Slurm: '" + s + "' in '" + what + "' is not a number");
  return std::stoi(s);
}

/// "KEY=VALUE KEY=VALUE ..." of `scontrol -o`; a value runs to the next " KEY=" (values such as
/// Command= may hold spaces, so split at spaces followed by a key).
std::map<std::string, std::string> keyValues(const std::string& line) {
  std::map<std::string, std::string> out;
  std::vector<std::string> tokens;
  std::istringstream in(line);
  std::string tok;
  while (in >> tok) {
    const auto eq = tok.find('=');
    const bool isKey =
        eq != std::string::npos && eq > 0 &&
        std::all_of(tok.begin(), tok.begin() + static_cast<long>(eq), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == ':' || c == '_';
        });
    if (isKey || tokens.empty())
      tokens.push_back(tok);
    else
      tokens.back() += " " + tok;
  }
  for (const auto& t : tokens) {
    const auto eq = t.find('=');
    if (eq != std::string::npos) out[t.substr(0, eq)] = t.substr(eq + 1);
  }
  return out;
}

std::string stateFromCode(const std::string& code) {
  static const std::map<std::string, std::string> names{
      {"PD", "PENDING"},       {"R", "RUNNING"},         {"CG", "COMPLETING"},
      {"CD", "COMPLETED"},     {"F", "FAILED"},          {"TO", "TIMEOUT"},
      {"CA", "CANCELLED"},     {"OOM", "OUT_OF_MEMORY"}, {"NF", "NODE_FAIL"},
      {"PR", "PREEMPTED"},     {"CF", "CONFIGURING"},    {"S", "SUSPENDED"},
      {"BF", "BOOT_FAIL"},     {"DL", "DEADLINE"},       {"RQ", "REQUEUED"},
      {"RS", "RESIZING"},      {"RV", "REVOKED"},        {"SE", "SPECIAL_EXIT"},
      {"ST", "STOPPED"},       {"RH", "REQUEUE_HOLD"},   {"RF", "REQUEUE_FED"},
      {"RD", "RESV_DEL_HOLD"}, {"SI", "SIGNALING"},      {"SO", "STAGE_OUT"}};
  const auto it = names.find(code);
  return it == names.end() ? code : it->second;
}

}  // namespace

std::string parseSbatchJobId(const std::string& output) {
  const std::string t = trim(output);
  const std::string id = t.substr(0, t.find(';'));
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw Error("sbatch did not answer with a job id: '" + t + "'");
  return id;
}

std::vector<int> parseArrayIndices(const std::string& textIn) {
  std::string text = textIn;
  if (!text.empty() && text.front() == '[') text.erase(text.begin());
  if (!text.empty() && text.back() == ']') text.pop_back();
  text = text.substr(0, text.find('%'));
  std::vector<int> out;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto dash = part.find('-');
    if (dash == std::string::npos) {
      out.push_back(toInt(part, textIn));
    } else {
      const int a = toInt(part.substr(0, dash), textIn), b = toInt(part.substr(dash + 1), textIn);
      if (b < a || b - a > 1000000) throw Error("Slurm: bad array range '" + part + "'");
      for (int i = a; i <= b; ++i) out.push_back(i);
    }
  }
  return out;
}

std::vector<SlurmTaskRecord> parseScontrolJobs(const std::string& output) {
  std::vector<SlurmTaskRecord> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("JobId=", 0) != 0) continue;  // "slurm_load_jobs error: Invalid job id ..."
    const auto kv = keyValues(line);
    SlurmTaskRecord r;
    const auto get = [&kv](const char* k) {
      const auto it = kv.find(k);
      return it == kv.end() ? std::string() : it->second;
    };
    r.arrayJobId = get("ArrayJobId");
    if (r.arrayJobId.empty()) r.arrayJobId = get("JobId");
    const std::string ids = get("ArrayTaskId");
    if (!ids.empty()) r.indices = parseArrayIndices(ids);
    r.state = get("JobState");
    r.reason = get("Reason");
    if (r.reason == "None") r.reason.clear();
    const std::string exit = get("ExitCode");
    if (const auto colon = exit.find(':'); colon != std::string::npos) {
      r.exitCode = toInt(exit.substr(0, colon), line);
      r.exitSignal = toInt(exit.substr(colon + 1), line);
    }
    r.timeLimit = get("TimeLimit");
    r.stdOut = get("StdOut");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SlurmTaskRecord> parseSqueueLines(const std::string& output) {
  std::vector<SlurmTaskRecord> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, partition, name, user, st, time, nodes;
    if (!(f >> id >> partition >> name >> user >> st >> time >> nodes)) continue;
    std::string rest;
    std::getline(f, rest);
    rest = trim(rest);
    SlurmTaskRecord r;
    const auto us = id.find('_');
    r.arrayJobId = id.substr(0, us);
    if (us != std::string::npos) r.indices = parseArrayIndices(id.substr(us + 1));
    r.state = stateFromCode(st);
    if (rest.size() >= 2 && rest.front() == '(' && rest.back() == ')')
      r.reason = rest.substr(1, rest.size() - 2);
    out.push_back(std::move(r));
  }
  return out;
}

const char* taskStateName(TaskState s) {
  switch (s) {
    case TaskState::Pending:
      return "pending";
    case TaskState::Running:
      return "running";
    case TaskState::Done:
      return "done";
    case TaskState::Failed:
      return "failed";
    case TaskState::Cancelled:
      return "cancelled";
    case TaskState::Unknown:
      return "unknown";
  }
  return "unknown";
}

const SlurmTaskRecord* findRecord(const std::vector<SlurmTaskRecord>& records, int index) {
  for (const auto& r : records)
    if (std::find(r.indices.begin(), r.indices.end(), index) != r.indices.end()) return &r;
  return nullptr;
}

bool killedForMemory(const SlurmTaskRecord& record, const std::string& logTail) {
  if (record.state == "OUT_OF_MEMORY" || record.reason == "OutOfMemory") return true;
  // Slurm reports an OOM kill as ExitCode=0:125 (its dummy signal SIG_OOM, 253, minus 128).
  if (record.exitSignal == 125) return true;
  std::string log = logTail;
  std::transform(log.begin(), log.end(), log.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // slurmstepd's words under task/cgroup ("Detected 1 oom_kill event in StepId=…", "Some of
  // your processes may have been killed by the cgroup out-of-memory handler") and under
  // jobacct_gather's OverMemoryKill ("Job 7 exceeded memory limit (… > …), being killed").
  for (const char* key : {"oom_kill event", "oom-kill", "out-of-memory handler",
                          "exceeded memory limit", "exceeded job memory limit"})
    if (log.find(key) != std::string::npos) return true;
  return false;
}

TaskStatus classifyTask(bool resultExists, const std::optional<std::string>& failedMessage,
                        const SlurmTaskRecord* record, const std::string& logTail) {
  if (resultExists) return {TaskState::Done, {}};
  const std::string why = failedMessage ? trim(*failedMessage) : std::string();
  if (!record) {
    if (failedMessage) return {TaskState::Failed, why};
    return {TaskState::Unknown,
            "Slurm no longer knows the job and there is no result (killed, or cancelled?)"};
  }
  const std::string& s = record->state;
  if (s == "PENDING" || s == "REQUEUED" || s == "REQUEUE_HOLD" || s == "SUSPENDED")
    return {TaskState::Pending, record->reason};
  if (s == "RUNNING" || s == "CONFIGURING" || s == "COMPLETING" || s == "STAGE_OUT" ||
      s == "SIGNALING" || s == "RESIZING")
    return {TaskState::Running, {}};
  if (s == "TIMEOUT")
    return {TaskState::Failed,
            "killed by Slurm at the time limit (" + record->timeLimit + "; give more with --time)"};
  // A task that wrote its own message failed by itself (unless Slurm says memory).
  const bool memory = s == "OUT_OF_MEMORY" ||
                      (s != "COMPLETED" && !failedMessage && killedForMemory(*record, logTail));
  if (memory) return {TaskState::Failed, "killed by Slurm: out of memory (give more with --mem)"};
  if (s == "CANCELLED") return {TaskState::Cancelled, "cancelled (scancel)"};
  if (s == "COMPLETED")
    return {TaskState::Failed, why.empty() ? "finished without writing its result" : why};
  std::string text = why;
  if (text.empty()) {
    text = "Slurm state " + s;
    if (record->exitSignal != 0)
      text += ", killed by signal " + std::to_string(record->exitSignal);
    else
      text += ", exit code " + std::to_string(record->exitCode);
    if (!record->reason.empty()) text += " (" + record->reason + ")";
  }
  return {TaskState::Failed, text};
}

}  // namespace imbw
