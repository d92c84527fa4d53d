#pragma once

#include <cstdint>

namespace imbw {

/// A small seeded random stream (SplitMix64) with our own integer and real draws, so results
/// are identical across standard libraries and independent of thread scheduling: parallel code
/// derives one stream per item from (seed, item).
class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed, std::uint64_t stream = 0)
      : m_state(mix(seed + 0x9E3779B97F4A7C15ULL * (mix(stream) + 1))) {}

  std::uint64_t next() {
    m_state += 0x9E3779B97F4A7C15ULL;
    return mix(m_state);
  }
  /// Uniform in [0, n), unbiased (Lemire's multiply with rejection). n > 0.
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t m_state;
};

}  // namespace imbw
