#include "app/cli/project_results.h"

#include "app/cli/command.h"
#include "core/util/error.h"

namespace imbw::cli {

const ProjectRun& findProjectRun(const Project& project, const std::string& projectPath,
                                 const std::string& which) {
  if (project.runs.empty()) throw Error("'" + projectPath + "' has no runs");
  if (const ProjectRun* r = project.findRun(which)) return *r;
  if (const ProjectRun* r = project.findRunByName(which)) return *r;
  std::string list;
  for (const auto& r : project.runs)
    list += (list.empty() ? "" : ", ") + r.id + " '" + r.name() + "'";
  throw Error("'" + projectPath + "' has no run with the id or name '" + which +
              "' (its runs: " + list + ")");
}

std::shared_ptr<const StoredRun> storedResults(
    const std::map<std::string, std::shared_ptr<const StoredRun>>& store,
    const std::string& projectPath, const ProjectRun& run) {
  const auto it = store.find(run.id);
  if (it == store.end() || !it->second)
    throw Error("run '" + run.name() + "' (" + run.id + ") has no stored results in '" +
                sidecarPath(projectPath) + "' (status: " + runStatusName(run.status) +
                "; train it with `imbalance-cli run " + projectPath +
                " --save` or in the window and save the project)");
  return it->second;
}

std::vector<std::size_t> parseFolds(const std::string& text, std::size_t folds) {
  std::vector<std::size_t> out;
  if (text == "all") {
    for (std::size_t k = 0; k < folds; ++k) out.push_back(k);
    if (out.empty()) throw Error("the run has no stored fold models");
    return out;
  }
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || v < 1 || static_cast<std::size_t>(v) > folds)
    throw UsageError("--fold: '" + text + "' is not 'all' or a fold between 1 and " +
                     std::to_string(folds));
  out.push_back(static_cast<std::size_t>(v - 1));
  return out;
}

}  // namespace imbw::cli
