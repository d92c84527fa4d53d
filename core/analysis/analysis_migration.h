#pragma once

#include <nlohmann/json.hpp>

namespace imbw {

/// Brings an analysis (or project) document of any supported `formatVersion` up to
/// Analysis::kFormatVersion, one step per version, so that every schema change is one added step
/// in analysis_migration.cpp. Throws imbw::Error when the version is missing, not an integer,
/// or newer than this program understands.
nlohmann::json migrateAnalysisJson(nlohmann::json document);

}  // namespace imbw
