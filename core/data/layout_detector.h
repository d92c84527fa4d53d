#pragma once

// Internal to the sample reader: recognises the event layouts (column group, 2-D matrix,
// compound table, pandas fixed and table) in one group or dataset of an open file.

#include <optional>
#include <string>
#include <vector>

#include "core/data/sample_source.h"
#include "core/util/error.h"

namespace imbw::detail {

class LayoutDetector {
 public:
  LayoutDetector(hid_t file, std::string path, const ReaderOptions& options)
      : m_file(file), m_path(std::move(path)), m_options(options) {}

  /// The events of `groupPath` read as `layout`, or nothing when the group is not that layout.
  std::optional<Candidate> tryGroup(const std::string& groupPath, Layout layout);
  /// A dataset named directly (compound table or 2-D matrix).
  std::optional<Candidate> tryDataset(const std::string& dsPath, std::optional<Layout> layout);

 private:
  Error mismatch(const std::string& groupPath, const std::string& a, hsize_t na,
                 const std::string& b, hsize_t nb) const;
  int addDataset(Candidate& c, DsMeta& m, bool transposed = false);
  static void addColumn(Candidate& c, ColumnInfo info, Source src);
  // One column per element of a fixed-size array field of a compound dataset.
  static void addArrayFieldColumns(Candidate& c, int ds, const std::string& field,
                                   hid_t elementType, const std::vector<std::string>& names);
  // One column per named field of a [events × width] numeric block.
  void addMatrixColumns(Candidate& c, DsMeta& m, const std::vector<std::string>& names,
                        std::size_t events);
  // Largest element count of a vlen dataset: every event's list has to be looked at once.
  hsize_t vlenMax(hid_t ds, hsize_t n) const;

  std::optional<Candidate> columnGroup(const std::string& groupPath);
  void attachCountColumns(Candidate& c) const;
  std::optional<Candidate> compoundInGroup(const std::string& groupPath);
  std::optional<Candidate> compound(const std::string& groupPath, DsMeta m);
  std::optional<Candidate> matrixInGroup(const std::string& groupPath);
  std::optional<Candidate> matrix(const std::string& groupPath, DsMeta m);
  // pandas_layout.cpp
  std::optional<Candidate> pandasFixed(const std::string& groupPath);
  std::optional<Candidate> pandasTable(const std::string& groupPath);

  hid_t m_file;
  std::string m_path;
  const ReaderOptions& m_options;
};

}  // namespace imbw::detail
