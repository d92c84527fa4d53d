#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/data/sample_reader.h"

namespace imbw {

/// How the events of a sample get their class.
enum class ClassSource {
  Fixed,        ///< every event belongs to `Sample::className`
  LabelColumn,  ///< a numeric or string column, mapped value → class by `Sample::labelMap`
  Expressions,  ///< the first matching `Sample::classExpressions` entry (weak supervision)
};

/// One entry of a label mapping. `value` is the label as written in the file ("1", "0", "s",
/// "b"); the special value "*" catches every value not listed.
struct LabelMapEntry {
  std::string value;
  std::string className;
};

/// A class defined by a selection, e.g. signal = `abs(mjj-125)<10`. Events matching none of a
/// sample's class expressions are not used.
struct ClassExpression {
  std::string className;
  std::string expression;
};

/// One HDF5 event sample of an analysis.
struct Sample {
  std::string name;                 ///< display name; empty: the file name
  std::string path;                 ///< relative to the analysis file (absolute paths allowed)
  std::string group;                ///< reader override; empty: detect
  std::optional<Layout> layout;     ///< reader override; empty: detect
  std::string countColumn;          ///< reader option for padded jagged arrays
  bool allowExternal = false;       ///< reader option: follow external links / external storage
  bool allowFilterPlugins = false;  ///< reader option: read data compressed by filter plugins
  ClassSource classSource = ClassSource::Fixed;
  std::string className;                            ///< Fixed
  std::string labelColumn;                          ///< LabelColumn
  std::vector<LabelMapEntry> labelMap;              ///< LabelColumn
  std::vector<ClassExpression> classExpressions;    ///< Expressions
  std::string weight = "1";                         ///< weight expression over the sample's columns
  nlohmann::json extra = nlohmann::json::object();  ///< unknown keys, kept verbatim

  nlohmann::json toJson() const;
  /// Throws imbw::Error naming the sample (by index) and the bad key.
  static Sample fromJson(const nlohmann::json& j, std::size_t index = 0);
  std::string displayName() const;
  /// The reader options the sample's keys give (group, layout, countColumn, allowExternal,
  /// allowFilterPlugins).
  ReaderOptions readerOptions() const;
};

/// A derived feature: `name = expression`, evaluated in order, so it may use earlier ones.
struct DerivedFeature {
  std::string name;
  std::string expression;
};

/// Everything that defines which events an analysis uses and how they are classified and
/// weighted. Stored as a versioned JSON file (see analysis_migration.h). The GUI's project file
/// is this same document with more top-level keys ("project", "ui", ...): keys this struct does
/// not know are kept in `extra` and written back unchanged, and `runs` is kept as raw JSON for
/// the run configuration layer.
struct Analysis {
  static constexpr int kFormatVersion = 2;

  std::string name;
  std::vector<Sample> samples;
  std::vector<std::string> classes;  ///< class index = position in this list
  std::string signalClass;
  std::optional<double> missingValue;  ///< a value meaning "missing" (e.g. -999): read as NaN
  std::string cut;                     ///< empty: keep every event
  std::vector<DerivedFeature> derived;
  std::vector<std::string> features;  ///< the model inputs, raw or derived column names
  /// Run records (formatVersion 2: {"id", "name", "config", "status", ...}), owned by the
  /// project layer (core/project/project.h), kept raw here.
  nlohmann::json runs = nlohmann::json::array();
  nlohmann::json extra = nlohmann::json::object();  ///< unknown top-level keys, kept verbatim
  /// Directory sample paths are relative to (the analysis file's directory); not stored.
  std::string baseDir;

  nlohmann::json toJson() const;
  /// Migrates older versions first; throws imbw::Error naming the key and the problem.
  static Analysis fromJson(const nlohmann::json& j, const std::string& baseDir = ".");

  /// Reads and validates a file; errors name the file.
  static Analysis load(const std::string& path);
  /// Writes the file; sample paths are rewritten relative to its directory.
  void save(const std::string& path) const;
  /// toJson() with sample paths made relative to `directory` (where the file will live).
  nlohmann::json toJsonRelativeTo(const std::string& directory) const;
  /// Makes `directory` the base: relative sample paths are rewritten so they name the same
  /// files from there (absolute ones stay).
  void rebase(const std::string& directory);

  /// Structural checks (classes, signal class, sample class specs, duplicate names, syntax of
  /// every expression); throws imbw::Error with the first problem found.
  void validate() const;

  /// Index of a class name in `classes`, -1 when absent.
  int classIndex(const std::string& className) const;
  int signalIndex() const { return classIndex(signalClass); }
  /// The sample's file path as the reader needs it (baseDir applied).
  std::string resolvedPath(const Sample& sample) const;
  /// Top-level keys kept in `extra` that no known layer uses (likely typos); for warnings.
  std::vector<std::string> unrecognisedKeys() const;
};

}  // namespace imbw
