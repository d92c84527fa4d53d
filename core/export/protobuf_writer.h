#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace imbw::pb {

/// A protocol-buffers message being encoded (wire format only: varints, 32-bit floats and
/// length-delimited fields). Enough to write ONNX files without linking libprotobuf: the ONNX
/// schema is stable and small, and a model file is written once, never parsed by us.
class Message {
 public:
  void varint(int field, std::uint64_t value);
  void int64(int field, std::int64_t value) { varint(field, static_cast<std::uint64_t>(value)); }
  void float32(int field, float value);
  void bytes(int field, std::string_view value);
  void message(int field, const Message& m) { bytes(field, m.m_data); }
  /// Packed repeated fields (parsers accept packed encoding for every repeated scalar).
  void packedFloats(int field, std::span<const float> values);
  void packedInt64(int field, std::span<const std::int64_t> values);

  const std::string& data() const { return m_data; }

 private:
  void tag(int field, int wireType);
  static void appendVarint(std::string& out, std::uint64_t value);
  std::string m_data;
};

}  // namespace imbw::pb
