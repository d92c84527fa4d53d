#pragma once

// The wall-time bounds the issues name (a cancel within 200 ms, no event-loop gap over 50 ms, a
// window that closes within 2 s), in one place. The sanitizer builds (IMBW_SANITIZED, set by
// cmake/ImbwSanitizers.cmake) loosen exactly these: AddressSanitizer and UBSan make our code
// 2-5x slower and every allocation dearer (redzones, quarantine, the leak checker's bookkeeping),
// so one boosting round or one drawn frame can take longer than the bound while the design is
// unchanged. What those builds check is memory and undefined behaviour, not latency; the
// ordinary build keeps the bounds as stated.
namespace imbw::test {

#ifdef IMBW_SANITIZED
inline constexpr bool kSanitized = true;
inline constexpr double kCancelBoundMs = 1000.0;
inline constexpr long long kEventLoopGapBoundMs = 250;
inline constexpr long long kCloseBoundMs = 6000;
#else
inline constexpr bool kSanitized = false;
inline constexpr double kCancelBoundMs = 200.0;        ///< issue: Cancel stops a fit within 200 ms
inline constexpr long long kEventLoopGapBoundMs = 50;  ///< issue: no event-loop stall over 50 ms
inline constexpr long long kCloseBoundMs = 2000;       ///< issue: the window closes within 2 s
#endif

}  // namespace imbw::test
