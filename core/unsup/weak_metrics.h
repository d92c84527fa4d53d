#pragma once

#include <cstdint>
#include <span>

namespace imbw {

/// The figures of merit of the Tag N' Train paper's signal-fraction comparison, against truth.
struct WeakMetrics {
  double auc = 0.0;
  double rejectionAt02 = 0.0;  ///< 1/ε_B at ε_S = 0.2 (interpolated on the ROC curve)
  /// max over cuts of ε_S/√ε_B (significance improvement), over cuts keeping at least
  /// `minBackgroundEvents` background events (fewer make the ratio pure statistical noise).
  double maxSignificanceImprovement = 0.0;
  double efficiencyAtMaxSic = 0.0;  ///< ε_S where the maximum is
};

/// Computes WeakMetrics of `score` on the events with `mask` set (empty: all); `weight` empty =
/// 1. Throws imbw::Error when a class is missing among them.
WeakMetrics weakMetrics(std::span<const double> score, std::span<const std::uint8_t> isSignal,
                        std::span<const double> weight = {},
                        std::span<const std::uint8_t> mask = {}, double minBackgroundEvents = 10.0);

}  // namespace imbw
