#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expr/expression.h"

namespace imbw {

/// How the events of a sample are laid out in its HDF5 file.
enum class Layout {
  ColumnGroup,  ///< a group of 1-D datasets, one per column (root or any group)
  Matrix2D,     ///< a 2-D numeric dataset [events × columns]; names from a sibling string
                ///< dataset or an attribute, else col0, col1, ...
  Compound,     ///< a compound ("table") dataset, one field per column
  PandasFixed,  ///< pandas format="fixed": block*_values / block*_items
  PandasTable,  ///< pandas format="table": compound `table` with values_block_N array fields
};
/// "ColumnGroup", "Matrix2D", "Compound", "PandasFixed", "PandasTable".
const char* layoutName(Layout layout);
/// Accepts the names layoutName() gives (case-insensitive); throws imbw::Error otherwise.
Layout layoutFromName(const std::string& name);

/// One column as stored.
struct ColumnInfo {
  std::string name;
  std::string type;        ///< "float32", "int64", "bool (enum)", "string", ...
  std::size_t length = 0;  ///< number of events
  bool isString = false;   ///< string columns serve as labels only
  bool jagged = false;     ///< a collection per event (vlen dataset or NaN-padded 2-D array)
  std::size_t maxMultiplicity = 0;  ///< jagged only: largest number of elements in an event
};

/// What inspect shows and what the analysis can use.
struct SampleInfo {
  std::string path;
  std::string group;  ///< HDF5 path of the group or dataset that holds the events
  Layout layout = Layout::ColumnGroup;
  std::size_t events = 0;
  std::vector<ColumnInfo> columns;
  /// Every scalar name an expression may read: numeric non-jagged columns, and for each jagged
  /// collection `c`: `count(c)`, `c[0]` .. `c[maxMultiplicity-1]`, `sum(c)`, `max(c)`, `min(c)`.
  std::vector<std::string> scalarNames() const;
};

/// Options a user can force when automatic detection guesses wrong.
struct ReaderOptions {
  std::string group;             ///< empty: find the events automatically
  std::optional<Layout> layout;  ///< empty: detect
  /// Per-event element count for padded jagged arrays (applies to every padded collection of
  /// the group). Empty: a 1-D integer column with a conventional name is used when present
  /// (n_jet / njets / jet_n / nJet ... for `jet_pt`); otherwise NaN marks absent elements.
  std::string countColumn;
  std::size_t chunkSize = 65536;  ///< events per chunk when streaming
};

/// One block of events handed to a read() callback. columns[i] belongs to the i-th requested
/// name; each points at `size` values (float32 or double, as requested).
struct Chunk {
  std::size_t first = 0;  ///< index of the chunk's first event in the sample
  std::size_t size = 0;
  std::vector<ColumnRef> columns;
};

/// Reads one sample. Detects the layout on construction; throws imbw::Error with a message that
/// names the file and the cause (missing, not HDF5, no event data found, column length
/// mismatch, ...). Detection looks at every group (breadth first, from options.group or the
/// root) and tries pandas fixed, pandas table, column group, compound, 2-D matrix in that order;
/// when several groups hold events the one with the most events wins (the first on a tie).
/// A 2-D dataset inside a column group is a padded jagged collection unless its columns are
/// named (attribute columns/names/..., or a sibling string dataset <name>_names, columns, ...).
/// Thread-safe for concurrent read() calls (the HDF5 library is built thread-safe).
class SampleReader {
 public:
  explicit SampleReader(const std::string& path, ReaderOptions options = {});
  ~SampleReader();
  SampleReader(SampleReader&&) noexcept;
  SampleReader& operator=(SampleReader&&) noexcept;

  const SampleInfo& info() const;

  /// Streams the named scalar columns (see SampleInfo::scalarNames) chunk by chunk; names in
  /// `asDouble` come as double, the others as float32. Only those columns are read from disk.
  /// Every numeric HDF5 type and chunked/filtered (gzip, shuffle) dataset is converted; an
  /// unknown name throws imbw::Error with "did you mean".
  void read(const std::vector<std::string>& names, const std::vector<std::string>& asDouble,
            const std::function<void(const Chunk&)>& onChunk) const;

  /// Reads the named scalar columns of every event straight into caller-owned arrays, one per
  /// name, each with room for info().events float32 values: the whole-sample load when there
  /// is no cut, without the chunk buffers' extra copy. Still reads in chunkSize slices. An
  /// unknown name throws imbw::Error with "did you mean".
  void readInto(const std::vector<std::string>& names, const std::vector<float*>& out) const;

  /// A whole string column (e.g. a "s"/"b" label). A numeric column comes back printed
  /// ("0", "1", "2.5") so that integer labels can be mapped the same way.
  std::vector<std::string> readStrings(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace imbw
