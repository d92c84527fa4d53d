#include "core/unsup/weak_study_record.h"

#include "core/util/error.h"

namespace imbw {

using json = nlohmann::json;

json weakStudyConfigToJson(const WeakStudyConfig& c) {
  return {{"object1", c.object1Features},
          {"object2", c.object2Features},
          {"window", {c.window.lo, c.window.hi}},
          {"sideband", c.sidebandWidth},
          {"classifier", c.classifier},
          {"autoencoder", c.autoencoder},
          {"top", c.signalTagFraction},
          {"bottom", c.backgroundTagFraction},
          {"tag_in_window", c.tagInWindow},
          {"iterations", c.iterations},
          {"folds", c.folds},
          {"seed", c.seed}};
}

WeakStudyConfig weakStudyConfigFromJson(const json& j) {
  if (!j.is_object()) throw Error("\"settings\" must be an object");
  WeakStudyConfig c;
  std::string key;
  try {
    key = "object1";
    c.object1Features = j.value(key, c.object1Features);
    key = "object2";
    c.object2Features = j.value(key, c.object2Features);
    key = "window";
    if (j.contains(key)) {
      const auto w = j.at(key).get<std::vector<double>>();
      if (w.size() != 2 || !(w[1] > w[0])) throw Error("needs [lo, hi] with hi > lo");
      c.window = {w[0], w[1]};
    }
    key = "sideband";
    c.sidebandWidth = j.value(key, c.sidebandWidth);
    key = "classifier";
    c.classifier = j.value(key, c.classifier);
    key = "autoencoder";
    c.autoencoder = j.value(key, c.autoencoder);
    key = "top";
    c.signalTagFraction = j.value(key, c.signalTagFraction);
    key = "bottom";
    c.backgroundTagFraction = j.value(key, c.backgroundTagFraction);
    key = "tag_in_window";
    c.tagInWindow = j.value(key, c.tagInWindow);
    key = "iterations";
    c.iterations = j.value(key, c.iterations);
    key = "folds";
    c.folds = j.value(key, c.folds);
    key = "seed";
    c.seed = j.value(key, c.seed);
  } catch (const json::exception& e) {
    throw Error("\"" + key + "\": " + e.what());
  } catch (const Error& e) {
    throw Error("\"" + key + "\": " + e.what());
  }
  if (c.object1Features.empty() || c.object2Features.empty())
    throw Error("each object needs at least one feature (\"object1\", \"object2\")");
  if (c.iterations < 1) throw Error("\"iterations\" must be at least 1");
  if (c.folds < 2) throw Error("\"folds\" must be at least 2");
  return c;
}

void checkScanSettings(const std::vector<double>& fractions,
                       const std::vector<std::string>& methods) {
  if (fractions.empty()) throw Error("a signal-fraction scan needs \"fractions\" (S/B values)");
  for (double f : fractions)
    if (!(f > 0.0)) throw Error("\"fractions\": every S/B must be positive");
  if (methods.empty()) throw Error("a signal-fraction scan needs \"methods\"");
  for (const std::string& m : methods) checkWeakMethod(m);
}

json WeakStudy::toJson() const {
  json j{{"id", id},
         {"name", name},
         {"method", method},
         {"resonance", resonance},
         {"settings", weakStudyConfigToJson(config)},
         {"supervised_reference", withSupervised},
         {"efficiencies", efficiencies},
         {"status", done ? "done" : "configured"}};
  if (!cut.empty()) j["cut"] = cut;
  if (isScan()) {
    j["fractions"] = fractions;
    j["methods"] = scanMethods;
  }
  if (usesStartExpressions()) j["start"] = {start1, start2};
  return j;
}

WeakStudy WeakStudy::fromJson(const json& j, std::size_t index) {
  const std::string where = "weak_studies[" + std::to_string(index) + "]";
  if (!j.is_object()) throw Error(where + " is not an object");
  WeakStudy s;
  try {
    s.id = j.value("id", std::string());
    if (s.id.empty()) throw Error("has no \"id\"");
    s.name = j.value("name", s.id);
    s.method = j.value("method", s.method);
    if (s.isScan()) {
      s.fractions = j.value("fractions", s.fractions);
      s.scanMethods = j.value("methods", s.scanMethods);
      checkScanSettings(s.fractions, s.scanMethods);
    } else {
      checkWeakMethod(s.method);
    }
    s.resonance = j.value("resonance", s.resonance);
    s.cut = j.value("cut", std::string());
    if (j.contains("start")) {
      const auto start = j.at("start").get<std::vector<std::string>>();
      if (start.size() != 2) throw Error("\"start\" needs two expressions, one per object");
      s.start1 = start[0];
      s.start2 = start[1];
    }
    s.config = weakStudyConfigFromJson(j.value("settings", json::object()));
    s.withSupervised = j.value("supervised_reference", true);
    s.efficiencies = j.value("efficiencies", s.efficiencies);
    for (double e : s.efficiencies)
      if (!(e > 0.0 && e <= 1.0))
        throw Error("\"efficiencies\": " + std::to_string(e) + " is not in (0, 1]");
    const std::string status = j.value("status", std::string("configured"));
    if (status != "done" && status != "configured")
      throw Error("unknown status '" + status + "' (expected configured or done)");
    s.done = status == "done";
  } catch (const json::exception& e) {
    throw Error(where + " ('" + s.id + "'): " + e.what());
  } catch (const Error& e) {
    throw Error(where + (s.id.empty() ? "" : " ('" + s.id + "')") + ": " + e.what());
  }
  return s;
}

}  // namespace imbw
