#include "core/data/h5_handle.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/util/error.h"

namespace imbw::h5 {

namespace {

herr_t collectErrorMessage(unsigned, const H5E_error2_t* err, void* data) {
  // Walking upward: the most specific cause first.
  static_cast<std::vector<std::string>*>(data)->emplace_back(err->desc ? err->desc : "");
  return 0;
}

herr_t collectLink(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  Link link;
  link.name = name;
  switch (info->type) {
    case H5L_TYPE_HARD:
      link.kind = LinkKind::Hard;
      break;
    case H5L_TYPE_SOFT:
    case H5L_TYPE_EXTERNAL: {
      link.kind = info->type == H5L_TYPE_SOFT ? LinkKind::Soft : LinkKind::External;
      std::vector<char> buf(info->u.val_size + 1, '\0');
      if (H5Lget_val(group, name, buf.data(), buf.size(), H5P_DEFAULT) >= 0) {
        if (link.kind == LinkKind::Soft) {
          link.target = buf.data();
        } else {
          const char* file = nullptr;
          const char* object = nullptr;
          unsigned flags = 0;
          if (H5Lunpack_elink_val(buf.data(), buf.size(), &flags, &file, &object) >= 0) {
            link.target = std::string(file ? file : "") + ":" + (object ? object : "");
          }
        }
      }
      break;
    }
    default:
      link.kind = LinkKind::Other;
      break;
  }
  static_cast<std::vector<Link>*>(data)->push_back(std::move(link));
  return 0;
}

// Strips the padding of a fixed-length string according to its pad rule.
std::string trimFixed(const char* p, std::size_t size, H5T_str_t pad) {
  std::size_t len = 0;
  while (len < size && p[len] != '\0') ++len;
  if (pad == H5T_STR_SPACEPAD) {
    while (len > 0 && p[len - 1] == ' ') --len;
  }
  return std::string(p, len);
}

}  // namespace

std::string lastErrorMessage() {
  std::vector<std::string> stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collectErrorMessage, &stack);
  if (stack.empty() || stack.front().empty()) return "unknown HDF5 error";
  // The innermost entry says what went wrong ("incorrect metadata checksum after all read
  // attempts"); the first "unable to ..." above it says what HDF5 was doing ("unable to load
  // object header").
  std::string msg = stack.front();
  for (std::size_t i = 1; i < stack.size(); ++i) {
    if (stack[i].rfind("unable to", 0) == 0 && stack[i] != stack.front()) {
      msg += " (" + stack[i] + ")";
      break;
    }
  }
  return msg;
}

bool listLinks(hid_t group, std::vector<Link>* out) {
  out->clear();
  hsize_t idx = 0;
  if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collectLink, out) < 0) {
    out->clear();
    return false;
  }
  return true;
}

H5I_type_t objectType(hid_t loc, const std::string& name) {
  if (name.empty() || name == "/" || name == ".") return H5I_GROUP;
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) return H5I_BADID;
  // Never opens another file: an external link is not an object of this one.
  H5L_info_t info;
  if (H5Lget_info(loc, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type == H5L_TYPE_EXTERNAL) {
    return H5I_BADID;
  }
  // Looked up, not opened: a dataset opened elsewhere with its own access properties (external
  // file prefix) cannot be opened again with the default ones.
  H5O_info_t oinfo;
  if (H5Oget_info_by_name2(loc, name.c_str(), &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    return H5I_BADID;
  }
  switch (oinfo.type) {
    case H5O_TYPE_GROUP:
      return H5I_GROUP;
    case H5O_TYPE_DATASET:
      return H5I_DATASET;
    case H5O_TYPE_NAMED_DATATYPE:
      return H5I_DATATYPE;
    default:
      return H5I_BADID;
  }
}

std::string typeName(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      const bool sign = H5Tget_sign(type) == H5T_SGN_2;
      return std::string(sign ? "int" : "uint") + std::to_string(8 * size);
    }
    case H5T_FLOAT:
      return "float" + std::to_string(8 * size);
    case H5T_BITFIELD:
      return "bitfield" + std::to_string(8 * size);
    case H5T_ENUM: {
      // h5py stores numpy bool as an int8 enum {FALSE = 0, TRUE = 1}.
      if (H5Tget_nmembers(type) == 2) {
        char* a = H5Tget_member_name(type, 0);
        char* b = H5Tget_member_name(type, 1);
        const bool isBool = a && b && std::strcmp(a, "FALSE") == 0 && std::strcmp(b, "TRUE") == 0;
        H5free_memory(a);
        H5free_memory(b);
        if (isBool) return "bool (enum)";
      }
      Handle super(H5Tget_super(type));
      return "enum (" + typeName(super) + ")";
    }
    case H5T_STRING:
      return "string";
    case H5T_VLEN: {
      Handle super(H5Tget_super(type));
      return "vlen " + typeName(super);
    }
    case H5T_ARRAY: {
      Handle super(H5Tget_super(type));
      return "array of " + typeName(super);
    }
    case H5T_COMPOUND:
      return "compound";
    default:
      return "unsupported";
  }
}

bool isNumeric(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT:
    case H5T_ENUM:
    case H5T_BITFIELD:
      return true;
    default:
      return false;
  }
}

bool isString(hid_t type) {
  return H5Tget_class(type) == H5T_STRING;
}

Handle rawIntegerType(hid_t type, bool* isSigned) {
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_ENUM) {
    Handle super(H5Tget_super(type));
    *isSigned = H5Tget_sign(super) == H5T_SGN_2;
    // HDF5 converts enums only to enums: read them as the native enum and decode the bytes.
    return Handle(H5Tget_native_type(type, H5T_DIR_ASCEND));
  }
  if (cls == H5T_BITFIELD) {
    *isSigned = false;
    return Handle(H5Tget_native_type(type, H5T_DIR_ASCEND));
  }
  return Handle();
}

bool readStringAttribute(hid_t obj, const char* name, std::string* out) {
  if (H5Aexists(obj, name) <= 0) return false;
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr.valid()) return false;
  Handle type(H5Aget_type(attr));
  if (H5Tget_class(type) != H5T_STRING) return false;
  Handle space(H5Aget_space(attr));
  if (H5Sget_simple_extent_npoints(space) != 1) return false;
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* value = nullptr;
    if (H5Aread(attr, mem, &value) < 0) return false;
    *out = value ? value : "";
    H5free_memory(value);
    return true;
  }
  const std::size_t size = H5Tget_size(type);
  std::vector<char> buf(size + 1, '\0');
  Handle mem(H5Tcopy(type));
  if (H5Aread(attr, mem, buf.data()) < 0) return false;
  *out = trimFixed(buf.data(), size, H5Tget_strpad(type));
  return true;
}

bool readStringArrayAttribute(hid_t obj, const char* name, std::vector<std::string>* out) {
  if (H5Aexists(obj, name) <= 0) return false;
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr.valid()) return false;
  Handle type(H5Aget_type(attr));
  if (H5Tget_class(type) != H5T_STRING) return false;
  Handle space(H5Aget_space(attr));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) return false;
  out->clear();
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    std::vector<char*> values(static_cast<std::size_t>(n), nullptr);
    if (H5Aread(attr, mem, values.data()) < 0) return false;
    for (char* v : values) {
      out->emplace_back(v ? v : "");
      H5free_memory(v);
    }
    return true;
  }
  const std::size_t size = H5Tget_size(type);
  std::vector<char> buf(size * static_cast<std::size_t>(n) + 1, '\0');
  Handle mem(H5Tcopy(type));
  if (H5Aread(attr, mem, buf.data()) < 0) return false;
  for (hssize_t i = 0; i < n; ++i) {
    out->push_back(
        trimFixed(buf.data() + static_cast<std::size_t>(i) * size, size, H5Tget_strpad(type)));
  }
  return true;
}

std::vector<std::string> readStringDataset(hid_t dataset, hsize_t first, hsize_t count) {
  Handle type(H5Dget_type(dataset));
  Handle fileSpace(H5Dget_space(dataset));
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  const int rank = H5Sget_simple_extent_ndims(fileSpace);
  if (rank == 1) {
    const hsize_t start[1] = {first};
    const hsize_t cnt[1] = {count};
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nullptr, cnt, nullptr);
  }
  Handle memSpace(H5Screate_simple(1, &count, nullptr));
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    std::vector<char*> values(count, nullptr);
    if (H5Dread(dataset, mem, memSpace, fileSpace, H5P_DEFAULT, values.data()) < 0) {
      throw Error("cannot read strings: " + lastErrorMessage());
    }
    for (char* v : values) out.emplace_back(v ? v : "");
    H5Dvlen_reclaim(mem, memSpace, H5P_DEFAULT, values.data());
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  std::vector<char> buf(size * count + 1, '\0');
  Handle mem(H5Tcopy(type));
  if (H5Dread(dataset, mem, memSpace, fileSpace, H5P_DEFAULT, buf.data()) < 0) {
    throw Error("cannot read strings: " + lastErrorMessage());
  }
  const H5T_str_t pad = H5Tget_strpad(type);
  for (hsize_t i = 0; i < count; ++i) out.push_back(trimFixed(buf.data() + i * size, size, pad));
  return out;
}

}  // namespace imbw::h5
