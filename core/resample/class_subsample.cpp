#include "core/resample/class_subsample.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

std::uint64_t splitmix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

nlohmann::json ClassSubsample::toJson() const {
  nlohmann::json cls = nlohmann::json::object();
  for (const auto& [name, k] : classes)
    cls[name] =
        k.byCount ? nlohmann::json{{"count", k.count}} : nlohmann::json{{"fraction", k.fraction}};
  return {{"seed", seed}, {"rescaleWeights", rescaleWeights}, {"classes", cls}};
}

ClassSubsample ClassSubsample::fromJson(const nlohmann::json& j) {
  ClassSubsample c;
  if (j.is_null()) return c;
  if (!j.is_object()) throw Error("class subsample: expected an object");
  for (const auto& [key, v] : j.items())
    if (key != "seed" && key != "rescaleWeights" && key != "classes")
      throw Error(
          unknownNameMessage("class subsample key", key, {"seed", "rescaleWeights", "classes"}));
  if (j.contains("seed")) {
    if (!j.at("seed").is_number_integer() || j.at("seed").get<std::int64_t>() < 0)
      throw Error("class subsample: seed must be a non-negative integer");
    c.seed = j.at("seed").get<std::uint64_t>();
  }
  if (j.contains("rescaleWeights")) {
    if (!j.at("rescaleWeights").is_boolean())
      throw Error("class subsample: rescaleWeights must be true or false");
    c.rescaleWeights = j.at("rescaleWeights");
  }
  if (!j.contains("classes")) return c;
  if (!j.at("classes").is_object())
    throw Error("class subsample: classes must be an object {\"class\": {\"fraction\": f}}");
  for (const auto& [name, v] : j.at("classes").items()) {
    const std::string where = "class subsample of '" + name + "'";
    if (!v.is_object() || v.size() != 1 || !(v.contains("count") || v.contains("fraction")))
      throw Error(where + ": give exactly one of {\"count\": N} or {\"fraction\": f}");
    Keep k;
    if (v.contains("count")) {
      if (!v.at("count").is_number_integer() || v.at("count").get<std::int64_t>() < 0)
        throw Error(where + ": count must be a non-negative integer, not " + v.at("count").dump());
      k.byCount = true;
      k.count = v.at("count").get<std::uint64_t>();
    } else {
      if (!v.at("fraction").is_number()) throw Error(where + ": fraction must be a number");
      k.fraction = v.at("fraction");
      if (!(k.fraction > 0.0 && k.fraction <= 1.0))
        throw Error(where + ": fraction must be in (0, 1], not " + v.at("fraction").dump());
    }
    c.classes.emplace_back(name, k);
  }
  return c;
}

SubsampleResult subsampleClasses(const ClassSubsample& config,
                                 const std::vector<std::string>& classNames,
                                 const std::vector<std::int32_t>& classIndex,
                                 const std::vector<double>& weight) {
  const std::size_t n = classIndex.size();
  if (weight.size() != n)
    throw Error("class subsample: " + std::to_string(weight.size()) + " weights for " +
                std::to_string(n) + " events");
  const std::size_t k = classNames.size();
  SubsampleResult r;
  r.before.assign(k, 0);
  r.weightBefore.assign(k, 0.0);
  std::vector<std::vector<std::size_t>> members(k);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::size_t>(classIndex[i]);
    if (c >= k) throw Error("class subsample: event " + std::to_string(i) + " has no class");
    members[c].push_back(i);
    ++r.before[c];
    r.weightBefore[c] += weight[i];
  }
  std::vector<char> keep(n, 1);
  std::vector<double> scale(k, 1.0);
  for (const auto& [name, rule] : config.classes) {
    const auto it = std::find(classNames.begin(), classNames.end(), name);
    if (it == classNames.end())
      throw Error("class subsample: " + unknownNameMessage("class", name, classNames));
    const auto c = static_cast<std::size_t>(it - classNames.begin());
    const std::size_t m = members[c].size();
    std::size_t want = m;
    if (rule.byCount) {
      if (rule.count > m)
        throw Error("class subsample: class '" + name + "' has " + std::to_string(m) +
                    " events after the cut, fewer than the " + std::to_string(rule.count) +
                    " asked for");
      want = static_cast<std::size_t>(rule.count);
    } else {
      want = static_cast<std::size_t>(std::llround(rule.fraction * static_cast<double>(m)));
    }
    // A partial Fisher–Yates on the class's own stream: the first `want` of a seeded shuffle.
    std::vector<std::size_t> idx = members[c];
    std::uint64_t state = splitmix(config.seed ^ splitmix(0xc1a55ULL + c));
    for (std::size_t i = 0; i < want; ++i) {
      state = splitmix(state);
      const std::size_t j = i + static_cast<std::size_t>((static_cast<unsigned __int128>(state) *
                                                          static_cast<unsigned __int128>(m - i)) >>
                                                         64);
      std::swap(idx[i], idx[j]);
    }
    for (std::size_t e : members[c]) keep[e] = 0;
    double kept = 0.0;
    for (std::size_t i = 0; i < want; ++i) {
      keep[idx[i]] = 1;
      kept += weight[idx[i]];
    }
    if (config.rescaleWeights) {
      if (kept == 0.0 && r.weightBefore[c] != 0.0)
        throw Error("class subsample: the events kept of class '" + name +
                    "' have zero total weight, so their weights cannot be rescaled");
      scale[c] = kept != 0.0 ? r.weightBefore[c] / kept : 1.0;
    }
  }
  r.after.assign(k, 0);
  r.weightAfter.assign(k, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    const auto c = static_cast<std::size_t>(classIndex[i]);
    r.kept.push_back(i);
    r.weight.push_back(weight[i] * scale[c]);
    ++r.after[c];
    r.weightAfter[c] += r.weight.back();
  }
  return r;
}

EventTable applySubsample(const ClassSubsample& config, const EventTable& table,
                          SubsampleResult* result) {
  SubsampleResult r = subsampleClasses(config, table.classNames, table.classIndex, table.weight);
  EventTable out;
  out.columnNames = table.columnNames;
  out.classNames = table.classNames;
  out.signalClass = table.signalClass;
  out.columns.resize(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    out.columns[c].reserve(r.kept.size());
    for (std::size_t i : r.kept) out.columns[c].push_back(table.columns[c][i]);
  }
  for (std::size_t i : r.kept) {
    out.classIndex.push_back(table.classIndex[i]);
    if (i < table.sampleIndex.size()) out.sampleIndex.push_back(table.sampleIndex[i]);
    if (i < table.eventIndex.size()) out.eventIndex.push_back(table.eventIndex[i]);
  }
  out.weight = r.weight;
  if (result) *result = std::move(r);
  return out;
}

FeatureMatrix applySubsample(const ClassSubsample& config, const FeatureMatrix& matrix,
                             SubsampleResult* result) {
  SubsampleResult r = subsampleClasses(config, matrix.classNames, matrix.label, matrix.weight);
  FeatureMatrix out = matrix.subset(r.kept);
  out.weight = r.weight;
  if (result) *result = std::move(r);
  return out;
}

}  // namespace imbw
