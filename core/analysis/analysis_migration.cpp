#include "core/analysis/analysis_migration.h"

#include <string>

#include "core/analysis/analysis.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// One function per schema change: migrateFromN turns a version-N document into version N+1.
// To change the schema: bump Analysis::kFormatVersion, add migrateFrom<old>() here and a case
// in the switch below.

/// Version 1 → 2: a run was its bare configuration ({"name", "model", "loss", ...}) and the
/// window kept its numbers in a top-level "results" object keyed by run name. Version 2 makes
/// each run a record with a stable id ("r1", ...), its configuration under "config", a status,
/// the cut it trains with (the analysis's), and its fold metrics ("folds", "summary"). Names are
/// left as they are (the project layer makes them unique when it reads them).
nlohmann::json migrateFrom1(nlohmann::json doc) {
  nlohmann::json results = nlohmann::json::object();
  if (auto r = doc.find("results"); r != doc.end()) {
    if (r->is_object()) results = *r;
    doc.erase(r);
  }
  nlohmann::json runs = nlohmann::json::array();
  if (auto it = doc.find("runs"); it != doc.end() && it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      nlohmann::json config = (*it)[i];
      if (!config.is_object()) throw Error("runs[" + std::to_string(i) + "] is not an object");
      std::string name;
      if (auto n = config.find("name"); n != config.end() && n->is_string()) name = *n;
      config.erase("name");
      nlohmann::json run{{"id", "r" + std::to_string(i + 1)},
                         {"name", name},
                         {"config", config},
                         {"cut", doc.value("cut", std::string())},
                         {"status", "configured"}};
      if (auto res = results.find(name);
          !name.empty() && res != results.end() && res->is_object() && res->contains("summary")) {
        run["status"] = "done";
        run["folds"] = res->value("folds", nlohmann::json::array());
        run["summary"] = res->at("summary");
        results.erase(res);  // a second run of the same name stays untrained
      }
      runs.push_back(std::move(run));
    }
  }
  doc["runs"] = std::move(runs);
  return doc;
}

}  // namespace

nlohmann::json migrateAnalysisJson(nlohmann::json document) {
  if (!document.is_object()) throw Error("an analysis file must hold a JSON object");
  const auto it = document.find("formatVersion");
  if (it == document.end()) {
    throw Error("no 'formatVersion' key: this is not an Imbalance Workbench analysis file");
  }
  if (!it->is_number_integer()) throw Error("'formatVersion' must be an integer");
  int version = it->get<int>();
  if (version < 1) throw Error("'formatVersion' " + std::to_string(version) + " is not valid");
  if (version > Analysis::kFormatVersion) {
    throw Error("'formatVersion' " + std::to_string(version) +
                " was written by a newer Imbalance Workbench (this one reads up to " +
                std::to_string(Analysis::kFormatVersion) + ")");
  }
  while (version < Analysis::kFormatVersion) {
    switch (version) {
      case 1:
        document = migrateFrom1(std::move(document));
        break;
      default:
        throw Error("no migration step from 'formatVersion' " + std::to_string(version));
    }
    ++version;
    document["formatVersion"] = version;
  }
  return document;
}

}  // namespace imbw
