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
#include "core/util/error.h"

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

/// An object of the file that is not read, and why: in the event group, a dataset the reader
/// cannot use (3-D, references, opaque, nested compound, other length, external storage, a
/// filter plugin) or a link that leads nowhere; elsewhere, a group that holds no events.
struct ObjectNote {
  std::string path;    ///< HDF5 path
  std::string name;    ///< link name inside its group (what an expression would call it)
  std::string reason;  ///< e.g. "3-D dataset [12 × 2 × 2]: ..."
};

/// A group (or dataset) that holds events.
struct EventGroup {
  std::string group;
  Layout layout = Layout::ColumnGroup;
  std::size_t events = 0;
  std::size_t columns = 0;
};

/// What inspect shows and what the analysis can use.
struct SampleInfo {
  std::string path;
  std::string group;  ///< HDF5 path of the group or dataset that holds the events
  Layout layout = Layout::ColumnGroup;
  std::size_t events = 0;
  std::vector<ColumnInfo> columns;
  std::string reason;  ///< why this group: "named by the group option", "the only group ..."
  std::vector<EventGroup> candidates;   ///< every group found holding events (the chosen one too)
  std::vector<ObjectNote> skipped;      ///< groups searched that hold no events, and why
  std::vector<ObjectNote> unsupported;  ///< objects of the event group that cannot be read
  /// Every scalar name an expression may read: numeric non-jagged columns, and for each jagged
  /// collection `c`: `count(c)`, `c[0]` .. `c[maxMultiplicity-1]`, `sum(c)`, `max(c)`, `min(c)`.
  std::vector<std::string> scalarNames() const;
  /// True for the names of scalarNames() and also `c[k]` with k ≥ maxMultiplicity (every event
  /// lacks that element: NaN, as documented for absent elements).
  bool isScalarName(const std::string& name) const;
  /// Why `name` (a column, or c[k] / count(c) ... of one) cannot be read: the reason of an
  /// unsupported object, a string column, a collection named without an index; empty when it
  /// can be read or is simply unknown.
  std::string whyUnreadable(const std::string& name) const;
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
  /// Follow external links and read datasets whose data lives in external files. Off by
  /// default: a file should not make the reader open other files.
  bool allowExternal = false;
  /// Read datasets compressed with filters that HDF5 loads as plugins (blosc, lz4, bitshuffle,
  /// ...). Off by default: a plugin is foreign code run on the file's bytes.
  bool allowFilterPlugins = false;
};

/// Thrown when several groups of a file hold events and none was named: the message names them
/// all; `groups` lists them for a caller that offers the choice.
class AmbiguousSampleError : public Error {
 public:
  AmbiguousSampleError(const std::string& message, std::vector<EventGroup> groups)
      : Error(message), m_groups(std::move(groups)) {}
  const std::vector<EventGroup>& groups() const { return m_groups; }

 private:
  std::vector<EventGroup> m_groups;
};

/// One block of events handed to a read() callback. columns[i] belongs to the i-th requested
/// name; each points at `size` values (float32 or double, as requested).
struct Chunk {
  std::size_t first = 0;  ///< index of the chunk's first event in the sample
  std::size_t size = 0;
  std::vector<ColumnRef> columns;
};

/// Reads one sample. Detects the layout on construction; throws imbw::Error with a message that
/// names the file and the cause (missing, not HDF5, damaged: the object and HDF5's own message,
/// no event data found, duplicate column names, too many events for memory, ...).
/// Detection looks at every group (breadth first, from options.group or the root; PyTables
/// `_i_*` index groups skipped) and tries pandas fixed, pandas table, column group, then each
/// compound and 2-D numeric dataset. A column group's event count is the length most of its
/// 1-D datasets share; datasets of other lengths are listed as unsupported, and a group whose
/// 1-D datasets agree on no length holds no events (metadata). When several groups hold events
/// (groups of one row count as metadata then) it throws AmbiguousSampleError naming them.
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
  /// unknown name throws imbw::Error with "did you mean", an unsupported one with the reason.
  /// `c[k]` beyond every event's multiplicity reads NaN.
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
