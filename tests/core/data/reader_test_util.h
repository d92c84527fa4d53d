#pragma once

// Helpers shared by the reader suites (test_sample_reader, test_reader_fixtures): streaming
// whole columns out of a SampleReader, comparing with NaN = NaN, catching imbw::Error.

#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/data/sample_reader.h"

namespace reader_test {

inline const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Reads whole columns through the streaming interface (as double, or as float widened),
/// checking that chunks come in order and in the requested precision; `chunks` receives each
/// chunk's (first, size).
inline std::vector<std::vector<double>> readAll(
    const imbw::SampleReader& r, const std::vector<std::string>& names, bool asDouble = true,
    std::vector<std::pair<std::size_t, std::size_t>>* chunks = nullptr) {
  std::vector<std::vector<double>> out(names.size());
  std::size_t expectFirst = 0;
  r.read(names, asDouble ? names : std::vector<std::string>{}, [&](const imbw::Chunk& c) {
    if (chunks) chunks->emplace_back(c.first, c.size);
    if (c.first != expectFirst) throw std::runtime_error("chunks out of order");
    expectFirst += c.size;
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (asDouble != (c.columns[k].d != nullptr)) throw std::runtime_error("wrong buffer type");
      for (std::size_t i = 0; i < c.size; ++i) {
        out[k].push_back(asDouble ? c.columns[k].d[i] : double(c.columns[k].f[i]));
      }
    }
  });
  return out;
}

/// One whole column.
inline std::vector<double> readColumn(const imbw::SampleReader& r, const std::string& name,
                                      bool asDouble) {
  return readAll(r, {name}, asDouble).front();
}

inline bool same(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

/// Element-wise equal, NaN equal to NaN; the first difference is printed.
inline bool sameVec(const std::vector<double>& got, const std::vector<double>& want) {
  if (got.size() != want.size()) {
    qWarning("size: got %zu want %zu", got.size(), want.size());
    return false;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!same(got[i], want[i])) {
      qWarning("element %zu: got %.17g want %.17g", i, got[i], want[i]);
      return false;
    }
  }
  return true;
}

/// The message of the imbw::Error `f` throws, or "<no imbw::Error>".
inline std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const imbw::Error& e) {
    return e.what();
  }
  return "<no imbw::Error>";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace reader_test
