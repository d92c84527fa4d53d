#include "core/analysis/yields.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/expr/expression.h"
#include "core/util/error.h"

namespace imbw {

Yields::Yields(const std::vector<std::string>& classNames, int signal) : signalClass(signal) {
  perClass.reserve(classNames.size());
  for (const auto& name : classNames) perClass.push_back({name, 0, 0.0, 0.0});
}

void Yields::merge(const Yields& other) {
  if (other.perClass.size() != perClass.size()) {
    throw Error("cannot merge yields of different class lists");
  }
  for (std::size_t c = 0; c < perClass.size(); ++c) {
    perClass[c].events += other.perClass[c].events;
    perClass[c].sumW += other.perClass[c].sumW;
    perClass[c].sumW2 += other.perClass[c].sumW2;
  }
}

std::size_t Yields::totalEvents() const {
  std::size_t n = 0;
  for (const auto& y : perClass) n += y.events;
  return n;
}

double Yields::totalSumW() const {
  double s = 0.0;
  for (const auto& y : perClass) s += y.sumW;
  return s;
}

double Yields::totalSumW2() const {
  double s = 0.0;
  for (const auto& y : perClass) s += y.sumW2;
  return s;
}

double Yields::ratioByCount() const {
  const std::size_t n = totalEvents();
  if (n == 0 || signalClass < 0 || signalClass >= static_cast<int>(perClass.size())) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return static_cast<double>(perClass[static_cast<std::size_t>(signalClass)].events) /
         static_cast<double>(n);
}

double Yields::ratioByWeight() const {
  const double w = totalSumW();
  if (w == 0.0 || signalClass < 0 || signalClass >= static_cast<int>(perClass.size())) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return perClass[static_cast<std::size_t>(signalClass)].sumW / w;
}

nlohmann::json Yields::toJson() const {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& y : perClass) {
    classes.push_back(
        {{"class", y.className}, {"events", y.events}, {"sumW", y.sumW}, {"sumW2", y.sumW2}});
  }
  return {{"classes", classes},
          {"signalClass",
           signalClass >= 0 && signalClass < static_cast<int>(perClass.size())
               ? nlohmann::json(perClass[static_cast<std::size_t>(signalClass)].className)
               : nlohmann::json()},
          {"events", totalEvents()},
          {"sumW", totalSumW()},
          {"sumW2", totalSumW2()},
          {"ratioByCount", number(ratioByCount())},
          {"ratioByWeight", number(ratioByWeight())}};
}

Yields computeYields(const EventTable& table, std::span<const std::uint8_t> keep) {
  if (!keep.empty() && keep.size() != table.size()) {
    throw Error("yields: selection mask has " + std::to_string(keep.size()) +
                " entries for a table of " + std::to_string(table.size()) + " events");
  }
  Yields y(table.classNames, table.signalClass);
  const int k = table.numClasses();
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (!keep.empty() && !keep[i]) continue;
    const int c = table.classIndex[i];
    if (c < 0 || c >= k) continue;
    y.add(c, table.weight[i]);
  }
  return y;
}

std::vector<std::uint8_t> selectEvents(const EventTable& table, const std::string& cut,
                                       const std::function<bool()>& stopRequested) {
  if (stopRequested && stopRequested()) throw SelectionCancelled();
  std::vector<std::uint8_t> keep(table.size(), 1);
  if (cut.find_first_not_of(" \t\r\n") == std::string::npos) return keep;
  BoundExpression bound;
  try {
    bound = Expression::parse(cut).bind(table.columnNames);
  } catch (const Error& e) {
    throw Error("cut '" + cut + "': " + e.what());
  }
  // Slices of 2^20 events: each still spreads over the OpenMP threads inside select().
  constexpr std::size_t kSlice = std::size_t{1} << 20;
  std::vector<ColumnRef> refs(table.columnNames.size());
  for (std::size_t begin = 0; begin < keep.size(); begin += kSlice) {
    if (begin > 0 && stopRequested && stopRequested()) throw SelectionCancelled();
    for (const int c : bound.usedColumns()) {
      refs[static_cast<std::size_t>(c)].f =
          table.columns[static_cast<std::size_t>(c)].data() + begin;
    }
    bound.select(refs, std::min(kSlice, keep.size() - begin), keep.data() + begin);
  }
  return keep;
}

CutYields cutYields(const EventTable& table, const std::string& cut) {
  const std::vector<std::uint8_t> keep = selectEvents(table, cut);
  return {computeYields(table), computeYields(table, keep)};
}

EventTable applyCut(const EventTable& table, const std::string& cut) {
  const std::vector<std::uint8_t> keep = selectEvents(table, cut);
  EventTable out;
  out.columnNames = table.columnNames;
  out.classNames = table.classNames;
  out.signalClass = table.signalClass;
  std::size_t n = 0;
  for (const auto k : keep) n += k ? 1 : 0;
  out.columns.resize(table.columns.size());
  for (auto& c : out.columns) c.reserve(n);
  out.classIndex.reserve(n);
  out.weight.reserve(n);
  out.sampleIndex.reserve(n);
  const bool hasSample = table.sampleIndex.size() == table.size();
  const bool hasEventIndex = table.eventIndex.size() == table.size();
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    for (std::size_t c = 0; c < table.columns.size(); ++c)
      out.columns[c].push_back(table.columns[c][i]);
    out.classIndex.push_back(table.classIndex[i]);
    out.weight.push_back(table.weight[i]);
    if (hasSample) out.sampleIndex.push_back(table.sampleIndex[i]);
    if (hasEventIndex) out.eventIndex.push_back(table.eventIndex[i]);
  }
  return out;
}

}  // namespace imbw
