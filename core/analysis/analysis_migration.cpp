#include "core/analysis/analysis_migration.h"

#include <string>

#include "core/analysis/analysis.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// One function per schema change: migrateFromN turns a version-N document into version N+1.
// None exist yet; version 1 is the first released schema. To change the schema: bump
// Analysis::kFormatVersion, add migrateFrom<old>() here and a case in the switch below.

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
      // case 1: document = migrateFrom1(std::move(document)); break;
      default:
        throw Error("no migration step from 'formatVersion' " + std::to_string(version));
    }
    ++version;
    document["formatVersion"] = version;
  }
  return document;
}

}  // namespace imbw
