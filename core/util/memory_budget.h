#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/error.h"

namespace imbw {

/// The refusal of requireMemory: an imbw::Error, so callers that only show messages need
/// nothing new; a caller with a smaller plan (the window keeping only the analysis's columns)
/// catches this type and tries that.
class MemoryRefused : public Error {
 public:
  using Error::Error;
};

/// Memory this process may still take, and where the figure comes from.
struct AvailableMemory {
  std::uint64_t bytes = 0;
  std::string source;  ///< e.g. "MemAvailable in /proc/meminfo", "the cgroup limit (…)"
};

/// "MemAvailable:" of a /proc/meminfo text, in bytes; empty when absent.
std::optional<std::uint64_t> parseMemAvailable(std::string_view meminfo);

/// What a cgroup may still allocate: its limit (cgroup v2 `memory.max`, v1
/// `memory.limit_in_bytes`) minus its usage (`memory.current` / `memory.usage_in_bytes`).
/// Empty for "max" or a v1 "unlimited" value (≥ 2^60).
std::optional<std::uint64_t> parseCgroupRoom(std::string_view limit, std::string_view usage);

/// The smaller of /proc/meminfo's MemAvailable and the room left under the process's cgroup
/// limit; the environment variable IMBW_MEMORY_LIMIT (bytes, or with a K/M/G suffix) caps it
/// further (a user who wants a stricter rule, and the tests). Empty when nothing is readable.
std::optional<AvailableMemory> availableMemory();

/// "1.2 GiB", "340.0 MiB".
std::string bytesText(double bytes);

/// Parses "123", "64K", "300M", "2G" (powers of 1024); throws imbw::Error naming `what`.
std::uint64_t parseByteSize(const std::string& text, const std::string& what);

/// The memory a load of `events` events keeping `columns` float32 columns takes: the table
/// (4 bytes per column, class index 4, weight 8, sample 4, row in its file 8 per event).
std::uint64_t tableBytes(std::uint64_t events, std::uint64_t columns);

/// Training's extra on top of the table for `events` × `features`: the row-major float32 feature
/// matrix with label and weight, one fold's training subset of it, and the model's own copy
/// (XGBoost's DMatrix, the networks' batches): three matrices' worth.
std::uint64_t trainingBytes(std::uint64_t events, std::uint64_t features);

/// Throws MemoryRefused when `needed` exceeds `available`: the message names what was estimated
/// (`what`, e.g. "loading 10,000,000 events × 30 columns"), the estimate, the available memory
/// and its source, and `advice` (what to do instead).
void requireMemory(std::uint64_t needed, const std::string& what,
                   const std::optional<AvailableMemory>& available, const std::string& advice);

}  // namespace imbw
