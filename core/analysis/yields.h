#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/data/event_table.h"

namespace imbw {

/// Events, Σw and Σw² of one class.
struct ClassYield {
  std::string className;
  std::size_t events = 0;
  double sumW = 0.0;
  double sumW2 = 0.0;
};

/// Per-class yields of a set of events and the imbalance ratio r = signal fraction.
struct Yields {
  std::vector<ClassYield> perClass;  ///< one entry per class, in class-index order
  int signalClass = 1;

  Yields() = default;
  Yields(const std::vector<std::string>& classNames, int signalClass);

  void add(int classIndex, double weight) {
    ClassYield& y = perClass[static_cast<std::size_t>(classIndex)];
    ++y.events;
    y.sumW += weight;
    y.sumW2 += weight * weight;
  }
  void merge(const Yields& other);

  std::size_t totalEvents() const;
  double totalSumW() const;
  double totalSumW2() const;
  /// Signal events / all events; NaN when there are no events.
  double ratioByCount() const;
  /// Σw(signal) / Σw(all); NaN when Σw(all) is 0.
  double ratioByWeight() const;

  nlohmann::json toJson() const;
};

/// Yields of the events of a table, optionally only those with keep[i] != 0.
Yields computeYields(const EventTable& table, std::span<const std::uint8_t> keep = {});

/// The events a cut keeps, one flag per event of a table: immutable once made, so it is shared
/// (never copied) by whatever reads it (the window's selection and its jobs: 10 MB for 10 M
/// events).
using EventMask = std::shared_ptr<const std::vector<std::uint8_t>>;

/// Thrown by selectEvents when its stopRequested said so.
struct SelectionCancelled : std::exception {
  const char* what() const noexcept override { return "selection cancelled"; }
};

/// Which events of an in-memory table pass `cut` (1 / 0); an empty cut keeps all. The cut may
/// use any column of the table. Throws imbw::Error naming the cut (syntax, unknown column with
/// "did you mean"). `stopRequested`, when given, is polled before every slice of about a million
/// events (a few milliseconds each): a cut nobody waits for any more (the window's user typed
/// on) ends with SelectionCancelled instead of holding the worker for the whole table.
std::vector<std::uint8_t> selectEvents(const EventTable& table, const std::string& cut,
                                       const std::function<bool()>& stopRequested = {});

/// Yields of a table before and after a cut.
struct CutYields {
  Yields before;
  Yields after;
};

/// Live yields for a new cut on an already-loaded table: no file is read. `before` counts every
/// event of the table (load with LoadOptions::applyCut = false to have the un-cut events).
CutYields cutYields(const EventTable& table, const std::string& cut);

/// The events of `table` that pass `cut`, as a new table.
EventTable applyCut(const EventTable& table, const std::string& cut);

}  // namespace imbw
