#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include <omp.h>

namespace imbw::detail {

/// Sorts `v` with `less` (which must be a strict total order: no two elements equivalent) on
/// all OpenMP threads: each thread std::sorts one chunk, then runs are merged pairwise, every
/// merge split across the threads along the merge path. With a total order the result is the
/// same whatever the thread count, so metrics stay bit-for-bit reproducible.
template <class T, class Less>
void parallelSort(std::vector<T>& v, Less less) {
  const std::size_t n = v.size();
  const int threads = omp_get_max_threads();
  if (threads < 2 || n < (std::size_t{1} << 15)) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  const std::size_t chunks = static_cast<std::size_t>(threads);
  std::vector<std::size_t> bounds(chunks + 1);
  for (std::size_t c = 0; c <= chunks; ++c) bounds[c] = n * c / chunks;

#pragma omp parallel for schedule(static, 1)
  for (std::size_t c = 0; c < chunks; ++c)
    std::sort(v.begin() + static_cast<std::ptrdiff_t>(bounds[c]),
              v.begin() + static_cast<std::ptrdiff_t>(bounds[c + 1]), less);

  std::vector<T> buffer(n);
  std::vector<T>* src = &v;
  std::vector<T>* dst = &buffer;
  while (bounds.size() > 2) {
    std::vector<std::size_t> merged;
    for (std::size_t r = 0; r + 1 < bounds.size(); r += 2) {
      merged.push_back(bounds[r]);
      if (r + 2 >= bounds.size()) {  // odd run out: copy it through
        std::copy(src->begin() + static_cast<std::ptrdiff_t>(bounds[r]),
                  src->begin() + static_cast<std::ptrdiff_t>(bounds[r + 1]),
                  dst->begin() + static_cast<std::ptrdiff_t>(bounds[r]));
        continue;
      }
      const T* a = src->data() + bounds[r];
      const T* b = src->data() + bounds[r + 1];
      const std::size_t na = bounds[r + 1] - bounds[r];
      const std::size_t nb = bounds[r + 2] - bounds[r + 1];
      T* out = dst->data() + bounds[r];
      // Piece p writes outputs [k0, k1); the merge-path search finds how many come from a.
      auto split = [&](std::size_t k) {
        std::size_t lo = k > nb ? k - nb : 0;
        std::size_t hi = std::min(k, na);
        while (lo < hi) {
          const std::size_t i = lo + (hi - lo) / 2;
          const std::size_t j = k - i;
          if (j > 0 && !less(b[j - 1], a[i]))
            lo = i + 1;
          else
            hi = i;
        }
        return lo;
      };
#pragma omp parallel for schedule(static, 1)
      for (int p = 0; p < threads; ++p) {
        const std::size_t k0 = (na + nb) * static_cast<std::size_t>(p) / chunks;
        const std::size_t k1 = (na + nb) * static_cast<std::size_t>(p + 1) / chunks;
        const std::size_t i0 = split(k0), i1 = split(k1);
        std::merge(a + i0, a + i1, b + (k0 - i0), b + (k1 - i1), out + k0, less);
      }
    }
    merged.push_back(n);
    bounds = std::move(merged);
    std::swap(src, dst);
  }
  if (src != &v) v.swap(*src);
}

}  // namespace imbw::detail
