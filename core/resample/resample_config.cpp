#include "core/resample/resample_config.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/util/error.h"
#include "core/util/json_number.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

struct KindName {
  ResampleKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {ResampleKind::None, "none"},
    {ResampleKind::ClassReweight, "class_reweight"},
    {ResampleKind::RandomUnder, "random_under"},
    {ResampleKind::RandomOver, "random_over"},
    {ResampleKind::Smote, "smote"},
    {ResampleKind::Adasyn, "adasyn"},
    {ResampleKind::Tomek, "tomek"},
    {ResampleKind::SmoteTomek, "smote_tomek"},
    {ResampleKind::BalancedBagging, "balanced_bagging"},
};

std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

const char* resampleKindName(ResampleKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "none";
}

ResampleKind resampleKindFromName(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& k : kKinds) {
    if (name == k.name) return k.kind;
    names.emplace_back(k.name);
  }
  throw Error(unknownNameMessage("resampling", name, names));
}

const char* negativeWeightPolicyName(NegativeWeightPolicy p) {
  switch (p) {
    case NegativeWeightPolicy::Keep:
      return "keep";
    case NegativeWeightPolicy::Drop:
      return "drop";
    case NegativeWeightPolicy::Abs:
      return "abs";
  }
  return "keep";
}

NegativeWeightPolicy negativeWeightPolicyFromName(const std::string& name) {
  if (name == "keep") return NegativeWeightPolicy::Keep;
  if (name == "drop") return NegativeWeightPolicy::Drop;
  if (name == "abs") return NegativeWeightPolicy::Abs;
  throw Error(unknownNameMessage("negative-weight policy", name, {"keep", "drop", "abs"}));
}

nlohmann::json ResampleConfig::toJson() const {
  nlohmann::json j;
  j["kind"] = resampleKindName(kind);
  j["ratio"] = ratio;
  j["replacement"] = replacement;
  j["k"] = k;
  j["equalise_weights"] = equaliseWeights;
  j["negative_weights"] = negativeWeightPolicyName(negativeWeights);
  j["seed"] = seed;
  return j;
}

ResampleConfig ResampleConfig::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("resampling settings must be a JSON object");
  static const std::vector<std::string> keys{
      "kind", "ratio", "replacement", "k", "equalise_weights", "negative_weights", "seed"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw Error(unknownNameMessage("resampling setting", key, keys));
  }
  ResampleConfig c;
  try {
    if (j.contains("kind")) c.kind = resampleKindFromName(j.at("kind").get<std::string>());
    if (j.contains("ratio")) c.ratio = jsonNumber<double>(j.at("ratio"), "resampling ratio");
    if (j.contains("replacement")) c.replacement = j.at("replacement").get<bool>();
    if (j.contains("k")) c.k = jsonNumber<int>(j.at("k"), "resampling k");
    if (j.contains("equalise_weights")) c.equaliseWeights = j.at("equalise_weights").get<bool>();
    if (j.contains("negative_weights"))
      c.negativeWeights = negativeWeightPolicyFromName(j.at("negative_weights").get<std::string>());
    if (j.contains("seed")) c.seed = jsonNumber<std::uint64_t>(j.at("seed"), "resampling seed");
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("bad resampling settings: ") + e.what());
  }
  c.validate();
  return c;
}

void ResampleConfig::validate() const {
  if (!(ratio > 0.0)) throw Error("resampling ratio must be > 0, got " + number(ratio));
  if (kind != ResampleKind::ClassReweight && !(ratio <= 1.0))
    throw Error("resampling ratio is a minority/majority count ratio and must lie in (0, 1], got " +
                number(ratio));
  if (!std::isfinite(ratio)) throw Error("resampling ratio must be finite");
  if ((kind == ResampleKind::Smote || kind == ResampleKind::Adasyn ||
       kind == ResampleKind::SmoteTomek) &&
      k < 1)
    throw Error("the number of neighbours k must be >= 1, got " + std::to_string(k));
}

}  // namespace imbw
