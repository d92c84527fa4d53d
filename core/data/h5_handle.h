#pragma once

#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

namespace imbw::h5 {

/// Owns one HDF5 identifier (file, group, dataset, dataspace, datatype, attribute or property
/// list) and closes it with H5Idec_ref, which works for every kind, so that early returns and
/// exceptions never leak handles.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : m_id(id) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : m_id(std::exchange(other.m_id, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      m_id = std::exchange(other.m_id, H5I_INVALID_HID);
    }
    return *this;
  }

  hid_t get() const { return m_id; }
  operator hid_t() const { return m_id; }  // NOLINT: handles are passed straight to the C API
  bool valid() const { return m_id >= 0; }
  void reset() {
    if (m_id >= 0) H5Idec_ref(m_id);
    m_id = H5I_INVALID_HID;
  }

 private:
  hid_t m_id = H5I_INVALID_HID;
};

/// Turns off HDF5's printing of its error stack for the lifetime of the object (this thread),
/// because the reader probes files and reports failures itself as imbw::Error.
class ErrorSilencer {
 public:
  ErrorSilencer() {
    H5Eget_auto2(H5E_DEFAULT, &m_func, &m_data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~ErrorSilencer() {
    H5Eclear2(H5E_DEFAULT);
    if (!s_damageSeen) H5Eset_auto2(H5E_DEFAULT, m_func, m_data);
  }
  /// Called when HDF5 failed on a damaged object. HDF5 1.10 cannot release what a header that
  /// failed its checksum left in its caches (our identifiers are all closed: see the tests'
  /// H5Fget_obj_count), and at exit it then prints "infinite loop closing library" unless
  /// automatic error printing is off; after such a failure it stays off on this thread (every
  /// HDF5 failure the reader meets becomes an imbw::Error with HDF5's message anyway).
  static void damageSeen() { s_damageSeen = true; }
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

 private:
  H5E_auto2_t m_func = nullptr;
  void* m_data = nullptr;
  static inline thread_local bool s_damageSeen = false;
};

/// HDF5's own account of the last failure on this thread's error stack, for error texts: the
/// innermost cause and what HDF5 was doing, e.g. "incorrect metadata checksum after all read
/// attempts (unable to load object header)".
std::string lastErrorMessage();

enum class LinkKind { Hard, Soft, External, Other };
struct Link {
  std::string name;
  LinkKind kind = LinkKind::Hard;
  std::string target;  ///< soft: the path; external: "file:path"
};
/// The links directly inside a group, in name order, without following them. False when HDF5
/// cannot list them (a damaged group); lastErrorMessage() then says why.
bool listLinks(hid_t group, std::vector<Link>* out);

/// H5I_GROUP or H5I_DATASET for the object at `name` relative to `loc`; H5I_BADID when there is
/// no such object (or a dangling or external link: it never opens another file).
H5I_type_t objectType(hid_t loc, const std::string& name);

/// "float32", "int64", "bool (enum)", "string", "vlen float32", ... for ColumnInfo::type.
std::string typeName(hid_t type);

/// True for integer, float, enum and bitfield types (what can become a float column).
bool isNumeric(hid_t type);
/// True for fixed- or variable-length strings.
bool isString(hid_t type);

/// The memory type to read a numeric file type with when HDF5 cannot convert it to a float
/// directly (enums, bitfields): a native unsigned/signed integer of the same size. Returns an
/// invalid handle when HDF5 converts the type itself.
Handle rawIntegerType(hid_t type, bool* isSigned);

/// Reads a string-valued attribute (scalar fixed or variable length) of `obj`. Returns false when
/// absent or not a string.
bool readStringAttribute(hid_t obj, const char* name, std::string* out);
/// Reads a 1-D string attribute or a 1-D string dataset into a vector.
bool readStringArrayAttribute(hid_t obj, const char* name, std::vector<std::string>* out);
std::vector<std::string> readStringDataset(hid_t dataset, hsize_t first, hsize_t count);

/// Parses the protocol-0 pickle of a list of strings that pandas (through PyTables) stores in
/// `values_block_N_kind`, e.g. "(lp1\nVcol_a\np2\naVcol_b\np3\na.". Throws imbw::Error when the
/// text is not such a list.
std::vector<std::string> parsePickledStringList(const std::string& text);

}  // namespace imbw::h5
