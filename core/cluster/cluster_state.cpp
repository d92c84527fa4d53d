#include "core/cluster/cluster_state.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/project/project.h"
#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

using json = nlohmann::json;
constexpr const char* kContent = "imbalance workbench cluster submissions";

}  // namespace

std::string clusterFolder(const std::string& projectPath) {
  fs::path p = fs::absolute(projectPath).lexically_normal();
  if (p.extension() == ".json") p.replace_extension();
  return p.string() + ".cluster";
}

std::string taskLogPath(const std::string& logDir, const std::string& jobId, int index) {
  return (fs::path(logDir) / (jobId + "_" + std::to_string(index) + ".log")).string();
}

std::string lastLines(const std::string& path, int lines) {
  std::ifstream in(path);
  if (!in) return {};
  std::deque<std::string> keep;
  std::string line;
  while (std::getline(in, line)) {
    keep.push_back(line);
    if (static_cast<int>(keep.size()) > lines) keep.pop_front();
  }
  std::string out;
  for (const auto& l : keep) out += l + "\n";
  return out;
}

json ClusterState::toJson() const {
  json subs = json::array();
  for (const Submission& s : submissions) {
    json tasks = json::array();
    for (const SubmittedTask& t : s.tasks) {
      tasks.push_back({{"index", t.index},
                       {"spec", t.spec},
                       {"result", t.result},
                       {"log", t.log},
                       {"run", t.runId},
                       {"fold", t.fold}});
      if (t.cancelled) tasks.back()["cancelled"] = true;
    }
    subs.push_back(
        {{"job", s.jobId}, {"script", s.script}, {"submitted", s.submitted}, {"tasks", tasks}});
  }
  return {{"content", kContent}, {"version", 1}, {"project", project}, {"submissions", subs}};
}

ClusterState ClusterState::fromJson(const json& j) {
  if (!j.is_object() || j.value("content", std::string()) != kContent)
    throw Error("not a cluster state file of Imbalance Workbench");
  ClusterState st;
  try {
    if (j.at("version").get<int>() != 1)
      throw Error("version " + j.at("version").dump() + " is not supported (1 is)");
    st.project = j.at("project").get<std::string>();
    for (const json& s : j.at("submissions")) {
      Submission sub;
      sub.jobId = s.at("job").get<std::string>();
      sub.script = s.at("script").get<std::string>();
      sub.submitted = s.value("submitted", std::string());
      for (const json& t : s.at("tasks"))
        sub.tasks.push_back({t.at("index").get<int>(), t.at("spec").get<std::string>(),
                             t.at("result").get<std::string>(), t.at("log").get<std::string>(),
                             t.at("run").get<std::string>(), t.at("fold").get<int>(),
                             t.value("cancelled", false)});
      st.submissions.push_back(std::move(sub));
    }
  } catch (const json::exception& e) {
    throw Error(std::string("cluster state: ") + e.what());
  }
  return st;
}

ClusterState ClusterState::load(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  std::ifstream in(path);
  if (!in) throw Error("cannot open '" + path + "'");
  try {
    return fromJson(json::parse(in));
  } catch (const json::exception& e) {
    throw Error("'" + path + "' is not valid JSON: " + e.what());
  } catch (const Error& e) {
    throw Error("'" + path + "': " + e.what());
  }
}

void ClusterState::save(const std::string& path) const {
  writeFileAtomically(path, toJson().dump(2) + "\n");
}

std::vector<std::pair<const Submission*, const SubmittedTask*>> ClusterState::latestTasks() const {
  std::map<std::pair<std::string, int>, std::pair<const Submission*, const SubmittedTask*>> last;
  std::vector<std::pair<std::string, int>> order;
  for (const Submission& s : submissions)
    for (const SubmittedTask& t : s.tasks) {
      const auto key = std::make_pair(t.runId, t.fold);
      if (!last.count(key)) order.push_back(key);
      last[key] = {&s, &t};
    }
  std::vector<std::pair<const Submission*, const SubmittedTask*>> out;
  for (const auto& key : order) out.push_back(last.at(key));
  return out;
}

}  // namespace imbw
