#include "core/eval/score_sort.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <omp.h>

#include "core/util/error.h"

namespace imbw::detail {

namespace {
constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
}  // namespace

ScratchBuffer::ScratchBuffer(std::size_t bytes) {
  m_data = std::malloc(std::max<std::size_t>(bytes, 1));
  if (!m_data) throw std::bad_alloc();
}

ScratchBuffer::~ScratchBuffer() {
  std::free(m_data);
}

std::uint64_t descendingKey(double score) {
  // IEEE order trick: flip all bits of negatives, set the sign bit of positives -> unsigned
  // order equals numeric order; then complement for descending. +0.0 stands for -0.0.
  auto bits = std::bit_cast<std::uint64_t>(score + 0.0);
  bits = (bits & kSign) ? ~bits : (bits | kSign);
  return ~bits;
}

double scoreFromKey(std::uint64_t key) {
  std::uint64_t bits = ~key;
  bits = (bits & kSign) ? (bits & ~kSign) : ~bits;
  return std::bit_cast<double>(bits);
}

ClassRanking rankByClass(std::span<const double> scores, std::span<const std::uint8_t> isSignal,
                         std::span<const double> weights) {
  const std::size_t n = scores.size();
  const bool weighted = !weights.empty();
  const int threads = n < 100000 ? 1 : omp_get_max_threads();
  const auto nt = static_cast<std::size_t>(threads);
  auto chunk = [n, nt](std::size_t t) { return n * t / nt; };

  // Pass 1: validate, count per class, key range per class.
  std::size_t firstBad = n, count[2] = {0, 0};
  std::uint64_t lo0 = ~std::uint64_t{0}, lo1 = ~std::uint64_t{0}, hi0 = 0, hi1 = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(min : firstBad, lo0, lo1) \
    reduction(max : hi0, hi1) reduction(+ : count[:2])
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(scores[i]) || (weighted && !std::isfinite(weights[i]))) {
      firstBad = std::min(firstBad, i);
      continue;
    }
    if (weighted && weights[i] == 0.0) continue;
    const std::uint64_t key = descendingKey(scores[i]);
    if (isSignal[i]) {
      ++count[1];
      lo1 = std::min(lo1, key);
      hi1 = std::max(hi1, key);
    } else {
      ++count[0];
      lo0 = std::min(lo0, key);
      hi0 = std::max(hi0, key);
    }
  }
  if (firstBad < n)
    throw Error("event " + std::to_string(firstBad) + " has a non-finite " +
                (std::isfinite(scores[firstBad]) ? "weight" : "score"));

  // Buckets: class 1 (signal) first, then class 0, so each class ends up contiguous.
  struct Range {
    std::uint64_t base;
    int shift;
    std::size_t first;  // first global bucket
    std::size_t buckets;
  };
  auto range = [](std::uint64_t lo, std::uint64_t hi, std::size_t first, std::size_t count) {
    if (count == 0) return Range{0, 0, first, 0};
    const int differing = 64 - std::countl_zero(lo ^ hi);
    const int shift = std::max(differing - 16, 0);
    return Range{lo >> shift, shift, first,
                 static_cast<std::size_t>((hi >> shift) - (lo >> shift)) + 1};
  };
  const Range sig = range(lo1, hi1, 0, count[1]);
  const Range bkg = range(lo0, hi0, sig.buckets, count[0]);
  const std::size_t buckets = sig.buckets + bkg.buckets;
  auto bucketOf = [&](std::size_t i) {
    const Range& r = isSignal[i] ? sig : bkg;
    return r.first + static_cast<std::size_t>((descendingKey(scores[i]) >> r.shift) - r.base);
  };

  ClassRanking out(count[0] + count[1]);
  auto* buffer = static_cast<KeyedWeight*>(out.memory.data());
  // Pass 2: bucket sizes per thread chunk, turned into write offsets; pass 3: scatter.
  std::vector<std::size_t> offsets(nt * buckets, 0);
  std::vector<std::size_t> bucketStart(buckets + 1, 0);
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    std::size_t* mine = offsets.data() + t * buckets;
    for (std::size_t i = chunk(t); i < chunk(t + 1); ++i)
      if (!weighted || weights[i] != 0.0) ++mine[bucketOf(i)];
#pragma omp barrier
#pragma omp single
    {
      std::size_t offset = 0;
      for (std::size_t b = 0; b < buckets; ++b) {
        bucketStart[b] = offset;
        for (std::size_t tt = 0; tt < nt; ++tt) {
          const std::size_t c = offsets[tt * buckets + b];
          offsets[tt * buckets + b] = offset;
          offset += c;
        }
      }
      bucketStart[buckets] = offset;
    }
    for (std::size_t i = chunk(t); i < chunk(t + 1); ++i) {
      const double w = weighted ? weights[i] : 1.0;
      if (w != 0.0) buffer[mine[bucketOf(i)]++] = KeyedWeight{descendingKey(scores[i]), w};
    }
  }
  auto less = [](const KeyedWeight& a, const KeyedWeight& b) {
    return a.key < b.key || (a.key == b.key && a.weight < b.weight);
  };
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
  for (std::size_t b = 0; b < buckets; ++b)
    if (bucketStart[b + 1] - bucketStart[b] > 1)
      std::sort(buffer + bucketStart[b], buffer + bucketStart[b + 1], less);

  out.signal = buffer;
  out.signalCount = count[1];
  out.background = buffer + count[1];
  out.backgroundCount = count[0];
  return out;
}

}  // namespace imbw::detail
