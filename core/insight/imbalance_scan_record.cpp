#include "core/insight/imbalance_scan_record.h"

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace imbw {

namespace {

/// JSON has no NaN: a missing spread (one fold) is written as null and read back as NaN.
nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double readNumber(const nlohmann::json& v, const std::string& where) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) throw Error(where + " must be a number, not " + v.dump());
  return v.get<double>();
}

}  // namespace

ImbalanceScanRecord ImbalanceScanRecord::fromScan(const std::string& runId, std::uint64_t seed,
                                                  const std::vector<ImbalanceScanPoint>& points) {
  ImbalanceScanRecord r;
  r.runId = runId;
  r.seed = seed;
  for (const ImbalanceScanPoint& p : points) {
    Point q;
    q.targetR = p.targetR;
    q.countR = p.countR;
    q.events = p.result.heldOutScores.size();
    q.cancelled = p.result.cancelled;
    q.subsample = p.subsample;
    q.metrics = p.result.aggregate;
    r.points.push_back(std::move(q));
  }
  return r;
}

nlohmann::json ImbalanceScanRecord::toJson() const {
  nlohmann::json pts = nlohmann::json::array();
  for (const Point& p : points) {
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [key, v] : p.metrics)
      m[key] = {{"mean", number(v.mean)}, {"std", number(v.std)}, {"n", v.n}};
    pts.push_back({{"r", p.targetR},
                   {"countR", number(p.countR)},
                   {"events", p.events},
                   {"subsample", p.subsample.toJson()},
                   {"cancelled", p.cancelled},
                   {"metrics", m}});
  }
  return {{"run", runId}, {"seed", seed}, {"points", pts}};
}

ImbalanceScanRecord ImbalanceScanRecord::fromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("run") || !j.at("run").is_string())
    throw Error("an imbalance scan needs \"run\" (the id of the run it scanned)");
  ImbalanceScanRecord r;
  r.runId = j.at("run").get<std::string>();
  const std::string where = "imbalance scan of run '" + r.runId + "'";
  if (j.contains("seed")) {
    if (!j.at("seed").is_number_unsigned())
      throw Error(where + ": seed must be a non-negative integer");
    r.seed = j.at("seed").get<std::uint64_t>();
  }
  if (!j.contains("points") || !j.at("points").is_array())
    throw Error(where + ": \"points\" must be a list");
  for (std::size_t i = 0; i < j.at("points").size(); ++i) {
    const nlohmann::json& p = j.at("points")[i];
    const std::string at = where + ", point " + std::to_string(i + 1);
    if (!p.is_object() || !p.contains("r")) throw Error(at + ": needs \"r\"");
    Point q;
    q.targetR = readNumber(p.at("r"), at + ": r");
    if (!(q.targetR > 0.0 && q.targetR < 1.0))
      throw Error(at + ": r must be a signal fraction in (0, 1), not " + p.at("r").dump());
    q.countR = readNumber(p.value("countR", nlohmann::json()), at + ": countR");
    if (p.contains("events")) {
      if (!p.at("events").is_number_unsigned())
        throw Error(at + ": events must be a non-negative integer");
      q.events = p.at("events").get<std::uint64_t>();
    }
    if (p.contains("cancelled")) {
      if (!p.at("cancelled").is_boolean()) throw Error(at + ": cancelled must be true or false");
      q.cancelled = p.at("cancelled").get<bool>();
    }
    try {
      if (p.contains("subsample")) q.subsample = ClassSubsample::fromJson(p.at("subsample"));
    } catch (const Error& e) {
      throw Error(at + ": " + e.what());
    }
    if (p.contains("metrics")) {
      if (!p.at("metrics").is_object()) throw Error(at + ": metrics must be an object");
      for (const auto& [key, v] : p.at("metrics").items()) {
        if (!v.is_object()) throw Error(at + ": metric '" + key + "' must be {mean, std, n}");
        MeanStd m;
        m.mean = readNumber(v.value("mean", nlohmann::json()), at + ": " + key + " mean");
        m.std = readNumber(v.value("std", nlohmann::json()), at + ": " + key + " std");
        if (v.contains("n") && v.at("n").is_number_unsigned()) m.n = v.at("n").get<std::size_t>();
        q.metrics[key] = m;
      }
    }
    r.points.push_back(std::move(q));
  }
  return r;
}

std::vector<ImbalanceScanRecord> imbalanceScanRecords(const nlohmann::json& list) {
  std::vector<ImbalanceScanRecord> out;
  if (list.is_null()) return out;
  if (!list.is_array()) throw Error("\"imbalanceScans\" must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    try {
      out.push_back(ImbalanceScanRecord::fromJson(list[i]));
    } catch (const Error& e) {
      throw Error("imbalanceScans[" + std::to_string(i) + "]: " + e.what());
    }
  }
  return out;
}

nlohmann::json withImbalanceScan(const nlohmann::json& list, const ImbalanceScanRecord& record) {
  nlohmann::json out = nlohmann::json::array();
  bool replaced = false;
  if (list.is_array())
    for (const auto& r : list) {
      if (r.is_object() && r.value("run", std::string()) == record.runId) {
        if (!replaced) out.push_back(record.toJson());
        replaced = true;
      } else {
        out.push_back(r);
      }
    }
  if (!replaced) out.push_back(record.toJson());
  return out;
}

}  // namespace imbw
