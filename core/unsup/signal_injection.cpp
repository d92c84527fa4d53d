#include "core/unsup/signal_injection.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/resample/random_stream.h"
#include "core/util/error.h"

namespace imbw {

std::vector<std::size_t> injectSignal(std::span<const std::uint8_t> isSignal, double sOverB,
                                      std::uint64_t seed) {
  if (!(sOverB >= 0.0) || !std::isfinite(sOverB))
    throw Error("signal injection: S/B must be a number >= 0");
  std::vector<std::size_t> signal, rows;
  for (std::size_t i = 0; i < isSignal.size(); ++i) (isSignal[i] ? signal : rows).push_back(i);
  const auto want = static_cast<std::size_t>(std::llround(sOverB * double(rows.size())));
  if (want > signal.size())
    throw Error("signal injection: S/B = " + std::to_string(sOverB) + " needs " +
                std::to_string(want) + " signal events, the sample has " +
                std::to_string(signal.size()));
  // One fixed shuffle per seed; a prefix of it is taken, so smaller fractions nest.
  RandomStream rng(seed, 0x696e6a656374ULL);
  for (std::size_t i = signal.size(); i > 1; --i) std::swap(signal[i - 1], signal[rng.below(i)]);
  rows.insert(rows.end(), signal.begin(), signal.begin() + static_cast<std::ptrdiff_t>(want));
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace imbw
