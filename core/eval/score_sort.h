#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace imbw::detail {

/// Internal to core/eval: scratch memory without value-initialisation (the sort buffer is
/// hundreds of MB; zero-filling it first would cost a pass as long as the scatter itself).
/// Transparent huge pages were tried and dropped: on a busy machine their direct compaction
/// cost more than the page faults they save.
class ScratchBuffer {
 public:
  explicit ScratchBuffer(std::size_t bytes);
  ~ScratchBuffer();
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  ScratchBuffer(ScratchBuffer&& other) noexcept : m_data(other.m_data) { other.m_data = nullptr; }
  ScratchBuffer& operator=(ScratchBuffer&&) = delete;
  void* data() const { return m_data; }

 private:
  void* m_data = nullptr;
};

/// An event reduced to what the curves need. `key` orders like the score, descending:
/// key(a) < key(b) <=> score(a) > score(b); equal scores (also -0 and +0) give equal keys.
struct KeyedWeight {
  std::uint64_t key;
  double weight;
};

std::uint64_t descendingKey(double score);
double scoreFromKey(std::uint64_t key);

/// The events of each class sorted by (key, weight) ascending, i.e. score descending; events
/// of weight 0 are left out. The order is a total preorder whose ties are identical records,
/// so it does not depend on the thread count and sums over it are reproducible to the bit.
struct ClassRanking {
  explicit ClassRanking(std::size_t n) : memory(n * sizeof(KeyedWeight)) {}
  ScratchBuffer memory;
  const KeyedWeight* signal = nullptr;
  std::size_t signalCount = 0;
  const KeyedWeight* background = nullptr;
  std::size_t backgroundCount = 0;
};

/// One MSD radix pass per class on the 16 bits below the keys' common prefix, scattering
/// straight from the inputs into one buffer (no intermediate copy), then std::sort inside the
/// buckets, all on the OpenMP threads. Throws imbw::Error naming the first event with a
/// non-finite score or weight. `weights` empty = all 1.
ClassRanking rankByClass(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                         std::span<const double> weights);

}  // namespace imbw::detail
