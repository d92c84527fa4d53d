#include "core/export/protobuf_writer.h"

#include <cstring>

namespace imbw::pb {

namespace {
constexpr int kVarint = 0;
constexpr int kFixed32 = 5;
constexpr int kLengthDelimited = 2;
}  // namespace

void Message::appendVarint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void Message::tag(int field, int wireType) {
  appendVarint(m_data, (static_cast<std::uint64_t>(field) << 3) | static_cast<unsigned>(wireType));
}

void Message::varint(int field, std::uint64_t value) {
  tag(field, kVarint);
  appendVarint(m_data, value);
}

void Message::float32(int field, float value) {
  tag(field, kFixed32);
  char b[4];
  std::memcpy(b, &value, 4);  // protobuf is little-endian, as is every target we build for
  m_data.append(b, 4);
}

void Message::bytes(int field, std::string_view value) {
  tag(field, kLengthDelimited);
  appendVarint(m_data, value.size());
  m_data.append(value);
}

void Message::packedFloats(int field, std::span<const float> values) {
  if (values.empty()) return;
  std::string body(values.size() * 4, '\0');
  std::memcpy(body.data(), values.data(), body.size());
  bytes(field, body);
}

void Message::packedInt64(int field, std::span<const std::int64_t> values) {
  if (values.empty()) return;
  std::string body;
  for (std::int64_t v : values) appendVarint(body, static_cast<std::uint64_t>(v));
  bytes(field, body);
}

}  // namespace imbw::pb
