#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/data/feature_matrix.h"

namespace imbw {

/// Pseudo-label of an event in Tag N' Train.
enum class Tag : std::int8_t { Untagged = -1, BackgroundLike = 0, SignalLike = 1 };

/// Tags the eligible events by a score (higher = more signal-like): the top
/// round(signalFraction · n) of them signal-like, the bottom round(backgroundFraction · n)
/// background-like, the rest (and every event not eligible) untagged, where n is the number of
/// eligible events (an empty `eligible` means all events; otherwise 1 = eligible, e.g. inside
/// the mass window). Fractions are of events, not of weights, so they are exact; ties are broken
/// by event order (earlier first into either tail), so the result is deterministic. Throws
/// imbw::Error when a fraction is outside [0, 1], their sum exceeds 1, a score is NaN, or the
/// sizes differ.
std::vector<Tag> tagByScore(std::span<const double> score, double signalFraction,
                            double backgroundFraction, std::span<const std::uint8_t> eligible = {});

/// The tagged events of `data` (in event order) as a two-class matrix: class 1 "signal-like",
/// class 0 "background-like", every event's own weight kept, its truth label dropped. Returns
/// the rows used in `rows` when given. Throws imbw::Error when either class is empty.
FeatureMatrix pseudoLabelled(const FeatureMatrix& data, std::span<const Tag> tags,
                             std::vector<std::size_t>* rows = nullptr);

/// Fraction of events whose score is ≤ the event's own (the empirical CDF at each score,
/// ties sharing the highest rank): 1 for the top event, ≈ 1 − q for an event at the top-q
/// quantile.
std::vector<double> empiricalCdf(std::span<const double> score);

/// Tag N' Train's combination: an event is selected at efficiency X when BOTH objects' scores
/// are in their own top X (fraction of events). The returned score min(F1(s1), F2(s2)), with
/// F the empirical CDF above, makes that one cut: "combined > 1 − X" ⇔ s1 and s2 are both
/// above their (1 − X) quantiles.
std::vector<double> combineBothInTop(std::span<const double> score1,
                                     std::span<const double> score2);

}  // namespace imbw
