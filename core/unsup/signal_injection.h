#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace imbw {

/// Signal injection for a signal-fraction scan: every background event plus a random subset of
/// round(sOverB · N_B) signal events (N_B = number of background events), in event order, so
/// that the sample's S/B is the chosen one. Deterministic for a seed; nested across fractions
/// (the signal events kept at a smaller S/B are a subset of those kept at a larger one, so the
/// scan varies the amount, not the draw). Throws imbw::Error naming the fraction when there are
/// not enough signal events.
std::vector<std::size_t> injectSignal(std::span<const std::uint8_t> isSignal, double sOverB,
                                      std::uint64_t seed);

}  // namespace imbw
