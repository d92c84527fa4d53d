#include "core/project/luminosity.h"

#include <cmath>
#include <cstdio>

#include "core/util/error.h"

namespace imbw {

namespace {

constexpr const char* kKey = "luminosity";

double positive(const nlohmann::json& j, const char* key) {
  const std::string where = std::string("\"") + kKey + "\": \"" + key + "\"";
  if (!j.is_number()) throw Error(where + " must be a number, not " + j.dump());
  const double v = j.get<double>();
  if (!(v > 0) || !std::isfinite(v))
    throw Error(where + " must be a positive finite number, not " + j.dump());
  return v;
}

void checkPositive(double v, const char* what) {
  if (!(v > 0) || !std::isfinite(v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    throw Error(std::string(what) + " must be a positive finite number, not " + buf);
  }
}

}  // namespace

std::optional<double> ProjectLuminosity::integratedInvFb() const {
  if (!weightsInvFb) return std::nullopt;
  return factor * *weightsInvFb;
}

ProjectLuminosity projectLuminosity(const Project& project) {
  ProjectLuminosity lumi;
  const auto& extra = project.analysis.extra;
  const auto it = extra.find(kKey);
  if (it == extra.end()) return lumi;
  if (!it->is_object())
    throw Error(std::string("\"") + kKey +
                "\" must be an object such as {\"factor\": 1, \"weights_fb\": 20.3}, not " +
                it->dump());
  for (const auto& [key, value] : it->items()) {
    if (key == "factor")
      lumi.factor = positive(value, "factor");
    else if (key == "weights_fb")
      lumi.weightsInvFb = positive(value, "weights_fb");
    else
      throw Error(std::string("\"") + kKey + "\" has an unknown key \"" + key +
                  "\" (known: factor, weights_fb)");
  }
  return lumi;
}

void setProjectLuminosity(Project& project, const ProjectLuminosity& lumi) {
  checkPositive(lumi.factor, "the luminosity factor");
  if (lumi.weightsInvFb) checkPositive(*lumi.weightsInvFb, "the event weights' luminosity");
  auto& extra = project.analysis.extra;
  if (lumi == ProjectLuminosity{}) {
    extra.erase(kKey);
    return;
  }
  nlohmann::json j = nlohmann::json::object();
  if (lumi.factor != 1.0) j["factor"] = lumi.factor;
  if (lumi.weightsInvFb) j["weights_fb"] = *lumi.weightsInvFb;
  extra[kKey] = std::move(j);
}

std::string luminosityText(double invFb) {
  const char* unit = "fb";
  double v = invFb;
  if (v < 1.0) {
    v *= 1000.0;
    unit = "pb";
  } else if (v >= 1000.0) {
    v /= 1000.0;
    unit = "ab";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return std::string(buf) + " " + unit + "^{-1}";
}

std::string expandPlotLabel(const std::string& label, const ProjectLuminosity& lumi) {
  const std::string placeholder = kLumiPlaceholder;
  std::size_t at = label.find(placeholder);
  if (at == std::string::npos) return label;
  const auto integrated = lumi.integratedInvFb();
  if (!integrated)
    throw Error(
        "the plot label writes {lumi}, but the project does not say which luminosity the event "
        "weights are normalised to (set it in File ▸ Export ▸ Plot label…, or \"luminosity\": "
        "{\"weights_fb\": …} in the project)");
  const std::string text = luminosityText(*integrated);
  std::string out = label;
  while (at != std::string::npos) {
    out.replace(at, placeholder.size(), text);
    at = out.find(placeholder, at + text.size());
  }
  return out;
}

}  // namespace imbw
