#include "core/util/memory_budget.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace imbw {

namespace {

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The process's cgroup v2 folder ("0::/path" in /proc/self/cgroup), or empty.
std::string cgroupV2Dir() {
  const auto text = readFile("/proc/self/cgroup");
  if (!text) return {};
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("0::", 0) == 0) return "/sys/fs/cgroup" + line.substr(3);
  }
  return {};
}

std::optional<AvailableMemory> cgroupRoom() {
  // cgroup v2: the process's own group, then the root of the mount (a container's view).
  for (std::string dir : {cgroupV2Dir(), std::string("/sys/fs/cgroup")}) {
    if (dir.empty()) continue;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    const auto limit = readFile(dir + "/memory.max");
    const auto usage = readFile(dir + "/memory.current");
    if (limit && usage) {
      if (const auto room = parseCgroupRoom(*limit, *usage)) {
        return AvailableMemory{*room, "the room under the cgroup limit (" + dir + "/memory.max)"};
      }
      return std::nullopt;
    }
  }
  const std::string v1 = "/sys/fs/cgroup/memory/";
  const auto limit = readFile(v1 + "memory.limit_in_bytes");
  const auto usage = readFile(v1 + "memory.usage_in_bytes");
  if (limit && usage) {
    if (const auto room = parseCgroupRoom(*limit, *usage)) {
      return AvailableMemory{*room,
                             "the room under the cgroup limit (" + v1 + "memory.limit_in_bytes)"};
    }
  }
  return std::nullopt;
}

std::string withThousands(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

}  // namespace

std::optional<std::uint64_t> parseMemAvailable(std::string_view meminfo) {
  const std::string_view key = "MemAvailable:";
  std::size_t pos = 0;
  while (pos < meminfo.size()) {
    std::size_t end = meminfo.find('\n', pos);
    if (end == std::string_view::npos) end = meminfo.size();
    std::string_view line = meminfo.substr(pos, end - pos);
    pos = end + 1;
    if (line.substr(0, key.size()) != key) continue;
    line.remove_prefix(key.size());
    std::uint64_t factor = 1;
    const std::size_t kb = line.find("kB");
    if (kb != std::string_view::npos) {
      factor = 1024;
      line = line.substr(0, kb);
    }
    const auto v = parseUnsigned(line);
    if (!v) return std::nullopt;
    return *v * factor;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parseCgroupRoom(std::string_view limit, std::string_view usage) {
  const auto l = parseUnsigned(limit);
  if (!l || *l >= (std::uint64_t{1} << 60)) return std::nullopt;  // "max" or v1's unlimited
  const std::uint64_t u = parseUnsigned(usage).value_or(0);
  return *l > u ? *l - u : 0;
}

std::optional<AvailableMemory> availableMemory() {
  std::optional<AvailableMemory> best;
  if (const auto text = readFile("/proc/meminfo")) {
    if (const auto v = parseMemAvailable(*text)) {
      best = AvailableMemory{*v, "MemAvailable in /proc/meminfo"};
    }
  }
  if (auto room = cgroupRoom(); room && (!best || room->bytes < best->bytes)) best = room;
  if (const char* env = std::getenv("IMBW_MEMORY_LIMIT"); env && *env) {
    const std::uint64_t limit = parseByteSize(env, "IMBW_MEMORY_LIMIT");
    if (!best || limit < best->bytes) best = AvailableMemory{limit, "IMBW_MEMORY_LIMIT"};
  }
  return best;
}

std::string bytesText(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::uint64_t parseByteSize(const std::string& text, const std::string& what) {
  std::string_view t = text;
  std::uint64_t factor = 1;
  if (!t.empty()) {
    switch (std::toupper(static_cast<unsigned char>(t.back()))) {
      case 'K':
        factor = 1024;
        break;
      case 'M':
        factor = 1024ull * 1024;
        break;
      case 'G':
        factor = 1024ull * 1024 * 1024;
        break;
      case 'T':
        factor = 1024ull * 1024 * 1024 * 1024;
        break;
      default:
        break;
    }
    if (factor != 1) t.remove_suffix(1);
  }
  const auto v = parseUnsigned(t);
  if (!v) {
    throw Error(what + " '" + text + "' is not a size in bytes (e.g. 2G, 500M, 1048576)");
  }
  return *v * factor;
}

std::uint64_t tableBytes(std::uint64_t events, std::uint64_t columns) {
  return events * (4 * columns + 4 + 8 + 4 + 8);
}

std::uint64_t trainingBytes(std::uint64_t events, std::uint64_t features) {
  return 3 * events * (4 * features + 4 + 8);
}

void requireMemory(std::uint64_t needed, const std::string& what,
                   const std::optional<AvailableMemory>& available, const std::string& advice) {
  if (!available || needed <= available->bytes) return;
  throw MemoryRefused(what + " needs about " + bytesText(static_cast<double>(needed)) + " (" +
                      withThousands(needed) + " bytes) but only " +
                      bytesText(static_cast<double>(available->bytes)) + " are available (" +
                      available->source + "); " + advice);
}

}  // namespace imbw
