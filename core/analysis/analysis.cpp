#include "core/analysis/analysis.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/analysis/analysis_migration.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/util/json_number.h"
#include "core/util/strings.h"

namespace imbw {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Top-level keys owned by other layers of the same document (GUI project, run configuration).
// "classSubsample": the controlled imbalance (core/resample/class_subsample.h). "plotLabel": the
// label block of the plots (a string, lines split at newlines; app/plots). "imbalanceScans":
// the finished scans over r (core/insight/imbalance_scan_record.h). "weak_studies": the
// project's weak-supervision studies (core/unsup/weak_study_record.h). "workingPoints": the
// runs' kept working points (core/project/kept_working_point.h). "luminosity": the significance's
// factor and the weights' luminosity (core/project/luminosity.h). "units": the columns' units
// for axis titles (an object, e.g. {"mjj": "GeV"}; app/plots).
const std::vector<std::string> kOtherLayerKeys = {
    "project",        "ui",           "scans",         "classSubsample", "plotLabel",
    "imbalanceScans", "weak_studies", "workingPoints", "luminosity",     "units"};

const std::vector<std::string> kAnalysisKeys = {
    "formatVersion", "name", "samples", "classes",  "signalClass",
    "missingValue",  "cut",  "derived", "features", "runs"};

const std::vector<std::string> kSampleKeys = {"name",
                                              "path",
                                              "group",
                                              "layout",
                                              "countColumn",
                                              "allowExternal",
                                              "allowFilterPlugins",
                                              "class",
                                              "label",
                                              "classExpressions",
                                              "weight"};

std::string getString(const json& j, const std::string& key, const std::string& where,
                      const std::string& fallback = {}) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_string()) throw Error(where + ": '" + key + "' must be a string");
  return it->get<std::string>();
}

bool getBool(const json& j, const std::string& key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw Error(where + ": '" + key + "' must be true or false");
  return it->get<bool>();
}

std::vector<std::string> getStringList(const json& j, const std::string& key,
                                       const std::string& where) {
  std::vector<std::string> out;
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(where + ": '" + key + "' must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) throw Error(where + ": '" + key + "' must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

void checkExpression(const std::string& text, const std::string& what) {
  try {
    (void)Expression::parse(text);
  } catch (const Error& e) {
    throw Error(what + " '" + text + "': " + e.what());
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sample

ReaderOptions Sample::readerOptions() const {
  ReaderOptions ro;
  ro.group = group;
  ro.layout = layout;
  ro.countColumn = countColumn;
  ro.allowExternal = allowExternal;
  ro.allowFilterPlugins = allowFilterPlugins;
  return ro;
}

std::string Sample::displayName() const {
  if (!name.empty()) return name;
  return fs::path(path).filename().string();
}

json Sample::toJson() const {
  json j = extra.is_object() ? extra : json::object();
  if (!name.empty()) j["name"] = name;
  j["path"] = path;
  if (!group.empty()) j["group"] = group;
  if (layout) j["layout"] = layoutName(*layout);
  if (!countColumn.empty()) j["countColumn"] = countColumn;
  if (allowExternal) j["allowExternal"] = true;
  if (allowFilterPlugins) j["allowFilterPlugins"] = true;
  switch (classSource) {
    case ClassSource::Fixed:
      j["class"] = className;
      break;
    case ClassSource::LabelColumn: {
      json map = json::object();
      for (const auto& e : labelMap) map[e.value] = e.className;
      j["label"] = {{"column", labelColumn}, {"classes", map}};
      break;
    }
    case ClassSource::Expressions: {
      json list = json::array();
      for (const auto& e : classExpressions) {
        list.push_back({{"class", e.className}, {"expression", e.expression}});
      }
      j["classExpressions"] = list;
      break;
    }
  }
  j["weight"] = weight;
  return j;
}

Sample Sample::fromJson(const json& j, std::size_t index) {
  std::string where = "sample " + std::to_string(index + 1);
  if (!j.is_object()) throw Error(where + ": must be a JSON object");
  Sample s;
  s.name = getString(j, "name", where);
  if (!s.name.empty()) where += " ('" + s.name + "')";
  s.path = getString(j, "path", where);
  if (s.path.empty()) throw Error(where + ": 'path' (the HDF5 file) is required");
  s.group = getString(j, "group", where);
  const std::string layout = getString(j, "layout", where);
  if (!layout.empty()) {
    try {
      s.layout = layoutFromName(layout);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
  }
  s.countColumn = getString(j, "countColumn", where);
  s.allowExternal = getBool(j, "allowExternal", where);
  s.allowFilterPlugins = getBool(j, "allowFilterPlugins", where);
  s.weight = getString(j, "weight", where, "1");
  if (s.weight.empty()) s.weight = "1";

  const int specs =
      int(j.contains("class")) + int(j.contains("label")) + int(j.contains("classExpressions"));
  if (specs != 1) {
    throw Error(where +
                ": give exactly one of 'class' (all events in one class), 'label' (a label "
                "column and its value → class mapping) or 'classExpressions'");
  }
  if (j.contains("class")) {
    s.classSource = ClassSource::Fixed;
    s.className = getString(j, "class", where);
  } else if (j.contains("label")) {
    s.classSource = ClassSource::LabelColumn;
    const json& l = j["label"];
    if (!l.is_object()) {
      throw Error(where + ": 'label' must be an object {\"column\": ..., \"classes\": {...}}");
    }
    s.labelColumn = getString(l, "column", where + " label");
    if (s.labelColumn.empty()) throw Error(where + ": 'label' needs a 'column'");
    const auto classes = l.find("classes");
    if (classes == l.end() || !classes->is_object() || classes->empty()) {
      throw Error(where +
                  ": 'label' needs 'classes', an object mapping label values to class "
                  "names, e.g. {\"1\": \"signal\", \"0\": \"background\"}");
    }
    for (const auto& [value, cls] : classes->items()) {
      if (!cls.is_string()) {
        throw Error(where + ": label value '" + value + "' must map to a class name");
      }
      s.labelMap.push_back({value, cls.get<std::string>()});
    }
  } else {
    s.classSource = ClassSource::Expressions;
    const json& list = j["classExpressions"];
    if (!list.is_array() || list.empty()) {
      throw Error(where +
                  ": 'classExpressions' must be a non-empty list of "
                  "{\"class\": ..., \"expression\": ...}");
    }
    for (const auto& e : list) {
      if (!e.is_object()) throw Error(where + ": each class expression must be an object");
      ClassExpression ce{getString(e, "class", where), getString(e, "expression", where)};
      if (ce.className.empty() || ce.expression.empty()) {
        throw Error(where + ": each class expression needs 'class' and 'expression'");
      }
      s.classExpressions.push_back(ce);
    }
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(kSampleKeys.begin(), kSampleKeys.end(), key) == kSampleKeys.end()) {
      s.extra[key] = value;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Analysis

json Analysis::toJson() const {
  json j = extra.is_object() ? extra : json::object();
  j["formatVersion"] = kFormatVersion;
  if (!name.empty()) j["name"] = name;
  json s = json::array();
  for (const auto& sample : samples) s.push_back(sample.toJson());
  j["samples"] = s;
  j["classes"] = classes;
  j["signalClass"] = signalClass;
  j["missingValue"] = missingValue ? json(*missingValue) : json(nullptr);
  j["cut"] = cut;
  json d = json::array();
  for (const auto& f : derived) d.push_back({{"name", f.name}, {"expression", f.expression}});
  j["derived"] = d;
  j["features"] = features;
  j["runs"] = runs;
  return j;
}

Analysis Analysis::fromJson(const json& input, const std::string& baseDir) {
  const json j = migrateAnalysisJson(input);
  Analysis a;
  a.baseDir = baseDir;
  const std::string where = "analysis";
  a.name = getString(j, "name", where);
  const auto samples = j.find("samples");
  if (samples == j.end() || !samples->is_array()) {
    throw Error("analysis: 'samples' must be a list of samples");
  }
  for (std::size_t i = 0; i < samples->size(); ++i) {
    a.samples.push_back(Sample::fromJson((*samples)[i], i));
  }
  a.classes = getStringList(j, "classes", where);
  a.signalClass = getString(j, "signalClass", where);
  if (const auto mv = j.find("missingValue"); mv != j.end() && !mv->is_null()) {
    if (!mv->is_number()) throw Error("analysis: 'missingValue' must be a number or null");
    a.missingValue = mv->get<double>();
  }
  a.cut = getString(j, "cut", where);
  if (const auto d = j.find("derived"); d != j.end() && !d->is_null()) {
    if (!d->is_array()) {
      throw Error("analysis: 'derived' must be a list of {\"name\": ..., \"expression\": ...}");
    }
    for (const auto& e : *d) {
      if (!e.is_object()) throw Error("analysis: each derived feature must be an object");
      DerivedFeature f{getString(e, "name", "derived feature"),
                       getString(e, "expression", "derived feature")};
      if (f.name.empty() || f.expression.empty()) {
        throw Error("analysis: each derived feature needs a 'name' and an 'expression'");
      }
      a.derived.push_back(f);
    }
  }
  a.features = getStringList(j, "features", where);
  if (const auto r = j.find("runs"); r != j.end() && !r->is_null()) a.runs = *r;
  for (const auto& [key, value] : j.items()) {
    if (std::find(kAnalysisKeys.begin(), kAnalysisKeys.end(), key) == kAnalysisKeys.end()) {
      a.extra[key] = value;
    }
  }
  a.validate();
  return a;
}

void Analysis::validate() const {
  if (samples.empty()) throw Error("analysis: no samples");
  if (classes.size() < 2) {
    throw Error(
        "analysis: 'classes' must name at least two classes (e.g. [\"background\", "
        "\"signal\"])");
  }
  std::set<std::string> seen;
  for (const auto& c : classes) {
    if (c.empty()) throw Error("analysis: a class name is empty");
    if (!seen.insert(c).second) throw Error("analysis: class '" + c + "' is listed twice");
  }
  if (signalClass.empty()) throw Error("analysis: 'signalClass' is not set");
  if (classIndex(signalClass) < 0) {
    throw Error("analysis: signal " + unknownNameMessage("class", signalClass, classes));
  }
  auto checkClass = [&](const std::string& cls, const std::string& where) {
    if (classIndex(cls) < 0) throw Error(where + ": " + unknownNameMessage("class", cls, classes));
  };
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    const std::string where = "sample '" + s.displayName() + "'";
    switch (s.classSource) {
      case ClassSource::Fixed:
        if (s.className.empty()) throw Error(where + ": 'class' is empty");
        checkClass(s.className, where);
        break;
      case ClassSource::LabelColumn: {
        std::set<std::string> values;
        for (const auto& e : s.labelMap) {
          checkClass(e.className, where + " label value '" + e.value + "'");
          if (!values.insert(e.value).second) {
            throw Error(where + ": label value '" + e.value + "' is mapped twice");
          }
        }
        break;
      }
      case ClassSource::Expressions:
        for (const auto& e : s.classExpressions) {
          checkClass(e.className, where);
          checkExpression(e.expression, where + ": class '" + e.className + "' expression");
        }
        break;
    }
    checkExpression(s.weight, where + ": weight");
  }
  if (!cut.empty()) checkExpression(cut, "cut");
  std::set<std::string> derivedNames;
  for (const auto& f : derived) {
    if (!derivedNames.insert(f.name).second) {
      throw Error("analysis: derived feature '" + f.name + "' is defined twice");
    }
    checkExpression(f.expression, "derived feature '" + f.name + "' =");
  }
  std::set<std::string> featureNames;
  for (const auto& f : features) {
    if (!featureNames.insert(f).second) {
      throw Error("analysis: feature '" + f + "' is listed twice");
    }
  }
}

int Analysis::classIndex(const std::string& className) const {
  const auto it = std::find(classes.begin(), classes.end(), className);
  return it == classes.end() ? -1 : static_cast<int>(it - classes.begin());
}

std::string Analysis::resolvedPath(const Sample& sample) const {
  const fs::path p(sample.path);
  if (p.is_absolute() || baseDir.empty()) return p.string();
  return (fs::path(baseDir) / p).lexically_normal().string();
}

std::vector<std::string> Analysis::unrecognisedKeys() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : extra.items()) {
    if (std::find(kOtherLayerKeys.begin(), kOtherLayerKeys.end(), key) == kOtherLayerKeys.end()) {
      out.push_back(key);
    }
  }
  return out;
}

Analysis Analysis::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open analysis file '" + path + "'");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {  // also out_of_range: a number like 1e99999 (fuzz_analysis)
    throw Error("analysis file '" + path + "' is not valid JSON: " + plainJsonMessage(e));
  }
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  try {
    return fromJson(j, dir.string());
  } catch (const Error& e) {
    throw Error("analysis file '" + path + "': " + e.what());
  } catch (const json::exception& e) {
    throw Error("analysis file '" + path + "': " + plainJsonMessage(e));
  }
}

void Analysis::rebase(const std::string& directory) {
  const fs::path dir = directory.empty() ? fs::path(".") : fs::path(directory);
  for (auto& s : samples) {
    const fs::path p(s.path);
    if (p.is_absolute()) continue;
    const fs::path abs = fs::absolute(fs::path(baseDir.empty() ? "." : baseDir) / p);
    const fs::path rel = abs.lexically_normal().lexically_relative(fs::absolute(dir));
    if (!rel.empty()) s.path = rel.generic_string();
  }
  baseDir = dir.string();
}

json Analysis::toJsonRelativeTo(const std::string& directory) const {
  Analysis copy = *this;
  copy.rebase(directory);  // keep sample paths relative to wherever the file now lives
  return copy.toJson();
}

void Analysis::save(const std::string& path) const {
  std::ofstream out(path);
  if (!out) throw Error("cannot write analysis file '" + path + "'");
  out << toJsonRelativeTo(fs::path(path).parent_path().string()).dump(2) << '\n';
  if (!out) throw Error("writing analysis file '" + path + "' failed");
}

}  // namespace imbw
