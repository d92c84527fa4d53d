#include "core/export/runs_table_rows.h"

#include <sstream>

#include "core/learn/run_config.h"
#include "core/learn/run_engine.h"

namespace imbw {

namespace {

std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return number(v.get<double>());
  return v.dump();
}

}  // namespace

std::string runConfigSummary(const RunConfig& config) {
  std::string s = config.modelKind();
  if (config.model.is_object()) {
    for (const auto& [key, v] : config.model.items()) {
      if (key == "kind" || key == "loss") continue;
      s += " " + key + "=" + value(v);
    }
  }
  const nlohmann::json spec = config.modelSpec(0.0);
  if (spec.contains("loss")) {
    const LossConfig loss =
        config.model.contains("loss") ? LossConfig::fromJson(config.model.at("loss")) : config.loss;
    const std::string alpha = config.alphaFromSignalFraction && !config.model.contains("loss")
                                  ? "1−r"
                                  : number(loss.alpha);
    s += "; " + std::string(lossKindName(loss.kind));
    if (loss.kind == LossKind::WeightedCrossEntropy) s += " α=" + alpha;
    if (loss.kind == LossKind::Focal) s += " α=" + alpha + " γ=" + number(loss.gamma);
  }
  const nlohmann::json resample = config.resample.toJson();
  if (resample.value("kind", std::string("none")) != "none") {
    s += "; " + resample.at("kind").get<std::string>();
    if (resample.at("kind") != "class_reweight" && resample.contains("ratio"))
      s += " ratio=" + value(resample.at("ratio"));
  }
  return s + "; " + std::to_string(config.folds) + " folds";
}

RunsTable runsTable(const std::vector<const RunResult*>& runs) {
  RunsTable t;
  for (const RunResult* r : runs) {
    if (!r) continue;
    t.rows.push_back({r->name.empty() ? r->config.displayName() : r->name,
                      runConfigSummary(r->config), r->aggregate});
  }
  t.columns = RunsTable::defaultColumns(t.rows);
  return t;
}

}  // namespace imbw
