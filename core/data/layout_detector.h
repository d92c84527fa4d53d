#pragma once

// Internal to the sample reader: finds the groups of a file that hold events and recognises
// their layout (column group, 2-D matrix, compound table, pandas fixed and table).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/sample_source.h"
#include "core/util/error.h"

namespace imbw::detail {

class LayoutDetector {
 public:
  LayoutDetector(hid_t file, std::string path, const ReaderOptions& options)
      : m_file(file), m_path(std::move(path)), m_options(options) {
    m_fc.file = file;
    m_fc.path = m_path;
    m_fc.options = &m_options;
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(m_path, ec);
    m_fc.fileSize = ec ? 0 : size;
  }

  /// The sample's events as ReaderOptions ask: the named group or dataset, else the one group
  /// of the file that holds events. Fills info.reason, candidates, skipped and unsupported.
  /// Throws AmbiguousSampleError when several groups qualify, imbw::Error when none does or the
  /// file is damaged. (group_search.cpp)
  Candidate detect();

 private:
  // Every candidate of one group (first layout that matches; compound and 2-D datasets give
  // one candidate each). `named`: the user named this group (lengths must then agree).
  std::vector<Candidate> candidatesIn(const std::string& groupPath, bool named,
                                      std::vector<ObjectNote>& skipped);
  /// A dataset named directly (compound table or 2-D matrix).
  std::optional<Candidate> tryDataset(const std::string& dsPath, std::optional<Layout> layout);
  // Checks common to every chosen candidate: duplicate names.
  void finish(Candidate& c) const;

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
  hsize_t vlenMax(const DsMeta& m, hsize_t n) const;
  // A refused dataset that holds the whole candidate cannot be listed as unsupported: refuse it.
  void refuseWhole(const DsMeta& m) const;

  std::optional<Candidate> columnGroup(const std::string& groupPath, GroupScan& scan, bool named,
                                       std::vector<ObjectNote>& skipped);
  void attachCountColumns(Candidate& c) const;
  std::optional<Candidate> compound(const std::string& groupPath, DsMeta m);
  std::optional<Candidate> matrix(const std::string& groupPath, DsMeta m);
  // pandas_layout.cpp
  std::optional<Candidate> pandasFixed(const std::string& groupPath);
  std::optional<Candidate> pandasTable(const std::string& groupPath);

  hid_t m_file;
  std::string m_path;
  const ReaderOptions& m_options;
  FileContext m_fc;
};

}  // namespace imbw::detail
