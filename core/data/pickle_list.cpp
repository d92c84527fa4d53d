// parsePickledStringList: the protocol-0 pickle of a list of strings that pandas (through
// PyTables) stores in `values_block_N_kind`.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/data/h5_handle.h"
#include "core/util/error.h"

namespace imbw::h5 {

namespace {

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parseHex(const std::string& s, std::size_t pos, std::size_t digits, std::uint32_t* out) {
  if (pos + digits > s.size()) return false;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int h = hexValue(s[pos + i]);
    if (h < 0) return false;
    v = v * 16 + static_cast<std::uint32_t>(h);
  }
  *out = v;
  return true;
}

// Pickle's `V` argument is Python's raw-unicode-escape: \uXXXX / \UXXXXXXXX escapes, every
// other byte is a Latin-1 code point.
std::string decodeRawUnicodeEscape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint32_t cp = 0;
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'u' && parseHex(s, i + 2, 4, &cp)) {
      appendUtf8(out, cp);
      i += 5;
    } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'U' && parseHex(s, i + 2, 8, &cp)) {
      appendUtf8(out, cp);
      i += 9;
    } else {
      appendUtf8(out, static_cast<unsigned char>(s[i]));
    }
  }
  return out;
}

// Pickle's `S` argument is a Python 2 string repr: 'text' or "text" with backslash escapes.
std::string decodeStringRepr(const std::string& s) {
  if (s.size() < 2 || (s.front() != '\'' && s.front() != '"') || s.back() != s.front()) {
    throw Error("malformed string in pickled column list: " + s);
  }
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\' || i + 2 >= s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    std::uint32_t v = 0;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'x':
        if (parseHex(s, i + 1, 2, &v)) {
          out += static_cast<char>(v);
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      default:
        out += e;
        break;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> parsePickledStringList(const std::string& text) {
  // A tiny stack machine for the protocol-0 opcodes a list of strings uses:
  // ( MARK, l LIST, ] EMPTY_LIST, V/S string, p PUT, g GET, a APPEND, e APPENDS, . STOP.
  struct Value {
    enum Kind { Mark, Str, List } kind = Str;
    std::string s;
    std::vector<std::string> list;
  };
  std::vector<Value> stack;
  std::vector<std::pair<long, Value>> memo;
  auto fail = [&](const std::string& why) -> Error {
    return Error("cannot parse the pickled column list '" + text + "': " + why);
  };
  std::size_t pos = 0;
  auto readLine = [&]() {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) throw fail("unterminated argument");
    std::string arg = text.substr(pos, end - pos);
    pos = end + 1;
    return arg;
  };
  while (pos < text.size()) {
    const char op = text[pos++];
    switch (op) {
      case '(':
        stack.push_back({Value::Mark, {}, {}});
        break;
      case 'l': {
        Value list{Value::List, {}, {}};
        std::size_t m = stack.size();
        while (m > 0 && stack[m - 1].kind != Value::Mark) --m;
        if (m == 0) throw fail("LIST without MARK");
        for (std::size_t i = m; i < stack.size(); ++i) {
          if (stack[i].kind != Value::Str) throw fail("list holds a non-string");
          list.list.push_back(stack[i].s);
        }
        stack.resize(m - 1);
        stack.push_back(std::move(list));
        break;
      }
      case ']':
        stack.push_back({Value::List, {}, {}});
        break;
      case 'V':
        stack.push_back({Value::Str, decodeRawUnicodeEscape(readLine()), {}});
        break;
      case 'S':
        stack.push_back({Value::Str, decodeStringRepr(readLine()), {}});
        break;
      case 'p': {
        const long idx = std::strtol(readLine().c_str(), nullptr, 10);
        if (stack.empty()) throw fail("PUT on empty stack");
        memo.emplace_back(idx, stack.back());
        break;
      }
      case 'g': {
        const long idx = std::strtol(readLine().c_str(), nullptr, 10);
        bool found = false;
        for (auto it = memo.rbegin(); it != memo.rend(); ++it) {
          if (it->first == idx) {
            stack.push_back(it->second);
            found = true;
            break;
          }
        }
        if (!found) throw fail("GET of unknown memo entry");
        break;
      }
      case 'a': {
        if (stack.size() < 2 || stack[stack.size() - 2].kind != Value::List ||
            stack.back().kind != Value::Str) {
          throw fail("APPEND needs a list and a string");
        }
        std::string s = std::move(stack.back().s);
        stack.pop_back();
        stack.back().list.push_back(std::move(s));
        break;
      }
      case 'e': {
        std::size_t m = stack.size();
        while (m > 0 && stack[m - 1].kind != Value::Mark) --m;
        if (m < 2 || stack[m - 2].kind != Value::List) throw fail("APPENDS without list");
        for (std::size_t i = m; i < stack.size(); ++i) {
          if (stack[i].kind != Value::Str) throw fail("list holds a non-string");
          stack[m - 2].list.push_back(stack[i].s);
        }
        stack.resize(m - 1);
        break;
      }
      case '.':
        if (stack.size() != 1 || stack.back().kind != Value::List) {
          throw fail("the pickle is not a list of strings");
        }
        return stack.back().list;
      case '\n':
        break;
      default:
        throw fail(std::string("unsupported opcode '") + op + "'");
    }
  }
  throw fail("missing STOP");
}

}  // namespace imbw::h5
