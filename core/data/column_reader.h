#pragma once

// Internal to the sample reader: reads slices of events of the requested columns from the
// datasets that detection found (1-D columns, 2-D blocks, compound records, jagged collections).

#include <string>
#include <vector>

#include "core/data/sample_source.h"
#include "core/util/error.h"

namespace imbw::detail {

enum class Agg { Plain, Count, Element, Sum, Max, Min };

/// One requested scalar name: a column, or an aggregate / element of a jagged collection, and
/// the buffer its values of the current chunk go to.
struct Request {
  int column = -1;
  Agg agg = Agg::Plain;
  hsize_t element = 0;
  bool asDouble = false;
  std::vector<float> f;
  std::vector<double> d;
  float* external = nullptr;  // readInto: the caller's array for the whole sample
  void put(std::size_t i, double v) {
    if (asDouble) {
      d[i] = v;
    } else {
      f[i] = static_cast<float>(v);
    }
  }
};

class ColumnReader {
 public:
  ColumnReader(const Candidate& data, const std::string& path) : m_data(data), m_path(path) {}

  /// Events [first, first+n) of a 1-D column.
  void readPlain(Request& r, hsize_t first, hsize_t n, std::vector<unsigned char>& scratch) const;
  /// Events [first, first+n) of the requested columns of one 2-D dataset, read once.
  void readMatrix(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                  std::vector<unsigned char>& scratch) const;
  /// Events [first, first+n) of the requested fields of one compound dataset, read once.
  void readCompound(int dsIndex, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                    std::vector<unsigned char>& scratch) const;
  /// Aggregates of one jagged collection for events [first, first+n) (jagged_reader.cpp).
  void readJagged(int column, std::vector<Request*>& reqs, hsize_t first, hsize_t n,
                  std::vector<unsigned char>& scratch) const;
  /// A whole string field of a compound (or an element of a pandas string block).
  std::vector<std::string> readStringField(int column, hsize_t step) const;

  Error readError(const std::string& what) const;

 private:
  const Candidate& m_data;
  const std::string& m_path;
};

}  // namespace imbw::detail
