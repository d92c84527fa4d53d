#include "core/learn/run_config.h"

#include <cstdio>

#include "core/learn/learn_util.h"
#include "core/learn/model.h"
#include "core/util/error.h"

namespace imbw {

namespace {

bool takesLoss(const std::string& kind) {
  return kind == "mlp" || kind == "logistic" || kind == "gbdt";
}

/// 3 significant digits, no trailing zeros ("0.25", "2", "0.125").
std::string shortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

std::string RunConfig::modelKind() const {
  return model.is_object() && model.contains("kind") && model.at("kind").is_string()
             ? model.at("kind").get<std::string>()
             : std::string();
}

std::string RunConfig::displayName() const {
  if (!name.empty()) return name;
  std::string n = modelKind();
  if (n == "one_variable" && model.contains("feature")) n = model.at("feature").get<std::string>();
  // The loss with its parameters, so that runs differing only in α or γ get telling names.
  const std::string alpha = alphaFromSignalFraction ? "1−r" : shortNumber(loss.alpha);
  if (loss.kind == LossKind::Focal)
    n += " focal α=" + alpha + " γ=" + shortNumber(loss.gamma);
  else if (loss.kind != LossKind::CrossEntropy)
    n += std::string(" ") + lossKindName(loss.kind) + " α=" + alpha;
  if (resample.kind != ResampleKind::None)
    n = std::string(resampleKindName(resample.kind)) + " + " + n;
  return n;
}

nlohmann::json RunConfig::modelSpec(double signalFraction) const {
  nlohmann::json spec = model;
  if (takesLoss(modelKind()) && !spec.contains("loss")) {
    LossConfig l = loss;
    if (alphaFromSignalFraction) l.alpha = 1.0 - signalFraction;
    spec["loss"] = l.toJson();
  }
  return spec;
}

bool RunConfig::modelStopsEarly() const {
  const std::string kind = modelKind();
  if (kind == "mlp" || kind == "autoencoder") return true;
  if (kind == "gbdt" || kind == "easy_ensemble") {
    const auto it = model.find("early_stopping_rounds");
    return it != model.end() && it->is_number() && it->get<double>() > 0;
  }
  return false;
}

double RunConfig::effectiveValidationFraction() const {
  if (validationFraction >= 0.0) return validationFraction;
  return modelStopsEarly() ? 0.1 : 0.0;
}

nlohmann::json RunConfig::toJson() const {
  nlohmann::json j;
  if (!name.empty()) j["name"] = name;
  if (!features.empty()) j["features"] = features;
  j["model"] = model;
  nlohmann::json l = loss.toJson();
  if (alphaFromSignalFraction) l["alpha"] = "1-r";
  j["loss"] = l;
  j["resample"] = resample.toJson();
  j["folds"] = folds;
  j["seed"] = seed;
  j["threads"] = threads;
  j["validation_fraction"] = validationFraction;
  if (transform.kind != InputTransformConfig::Kind::None) j["transform"] = transform.toJson();
  if (calibration.kind != CalibrationConfig::Kind::None) j["calibration"] = calibration.toJson();
  if (classSubsample) j["class_subsample"] = classSubsample->toJson();
  return j;
}

RunConfig RunConfig::fromJson(const nlohmann::json& j) {
  learn_util::checkKeys(
      j, "run",
      {"name", "features", "model", "loss", "resample", "folds", "seed", "threads",
       "validation_fraction", "transform", "calibration", "class_subsample"});
  RunConfig c;
  learn_util::get(j, "name", c.name);
  learn_util::get(j, "features", c.features);
  if (!j.contains("model")) throw Error("run '" + c.name + "': no \"model\" given");
  c.model = j.at("model");
  if (c.model.is_string()) c.model = nlohmann::json{{"kind", c.model}};
  if (c.modelKind().empty())
    throw Error("run '" + c.name + "': the model needs a \"kind\" (e.g. \"gbdt\")");
  if (j.contains("loss")) {
    nlohmann::json l = j.at("loss");
    if (l.is_object() && l.contains("alpha") && l.at("alpha").is_string()) {
      if (l.at("alpha") != "1-r")
        throw Error("run '" + c.name + "': loss alpha must be a number or \"1-r\"");
      c.alphaFromSignalFraction = true;
      l.erase("alpha");
    }
    c.loss = LossConfig::fromJson(l);
    if (c.alphaFromSignalFraction && c.loss.kind == LossKind::CrossEntropy)
      c.loss.kind = LossKind::WeightedCrossEntropy;
  }
  if (j.contains("resample")) c.resample = ResampleConfig::fromJson(j.at("resample"));
  learn_util::get(j, "folds", c.folds);
  learn_util::get(j, "seed", c.seed);
  learn_util::get(j, "threads", c.threads);
  learn_util::get(j, "validation_fraction", c.validationFraction);
  try {
    if (j.contains("transform")) c.transform = InputTransformConfig::fromJson(j.at("transform"));
    if (j.contains("calibration")) c.calibration = CalibrationConfig::fromJson(j.at("calibration"));
  } catch (const Error& e) {
    throw Error("run '" + c.name + "': " + e.what());
  }
  try {
    if (j.contains("class_subsample"))
      c.classSubsample = ClassSubsample::fromJson(j.at("class_subsample"));
  } catch (const Error& e) {
    throw Error("run '" + c.name + "': class_subsample: " + e.what());
  }
  if (c.folds < 2) throw Error("run '" + c.name + "': folds must be at least 2");
  if (c.threads < 1) throw Error("run '" + c.name + "': threads must be at least 1");
  if (c.validationFraction >= 0.5)
    throw Error("run '" + c.name + "': validation_fraction must be below 0.5");
  // The model's parameters are checked here, when the file is read, not when the first fold
  // starts (after the samples were loaded, minutes later).
  try {
    (void)makeModel(c.modelSpec(0.5));
  } catch (const Error& e) {
    throw Error("run '" + c.displayName() + "': " + e.what());
  }
  return c;
}

std::vector<RunConfig> runConfigsFromJson(const nlohmann::json& runs) {
  if (!runs.is_array()) throw Error("\"runs\" must be a list of run configurations");
  std::vector<RunConfig> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    try {
      out.push_back(RunConfig::fromJson(runs[i]));
    } catch (const Error& e) {
      throw Error("runs[" + std::to_string(i) + "]: " + e.what());
    }
  }
  return out;
}

ClassSubsample classSubsampleFor(const RunConfig& config, const nlohmann::json& projectSubsample) {
  if (config.classSubsample) return *config.classSubsample;
  if (projectSubsample.is_null()) return {};
  try {
    return ClassSubsample::fromJson(projectSubsample);
  } catch (const Error& e) {
    throw Error(std::string("classSubsample: ") + e.what());
  }
}

}  // namespace imbw
