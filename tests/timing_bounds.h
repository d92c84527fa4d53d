#pragma once

// The wall-time bounds the issues name (a cancel within 200 ms, no event-loop gap over 50 ms, a
// window that closes within 2 s, yields within 0.5 s of the last key), in one place, and the one
// switch that turns their assertions off: IMBW_SANITIZED, defined by cmake/ImbwSanitizers.cmake
// in every sanitizer build (-DIMBW_SANITIZE=..., i.e. CI's ASan + UBSan stage of
// packaging/run-tests.sh and packaging/tsan.sh) and in no other. A compile definition rather than
// an environment variable: an ordinary build cannot skip the bounds by a stray setting.
//
// Why skip: AddressSanitizer, UBSan and TSan make our code 2-15x slower and every allocation
// dearer (redzones, quarantine, the leak checker's bookkeeping), and the window's drawing runs
// instrumented too, so one drawn frame or one boosting round can take longer than the bound while
// the design is unchanged. What those builds check is memory, undefined behaviour and races, not
// latency; the ordinary build keeps every bound as stated. In a sanitizer build only the bound's
// assertion is skipped: the test runs to its end, every other check stays, and the measurement
// is printed with "not checked in a sanitizer build" when it is over the bound.
//
// The close bound is the exception: a window that waited for its training run to end would take
// minutes, not seconds, in any build, so sanitizer builds keep it, loosened to 10 s.
#include <QTest>
#include <algorithm>
#include <vector>

namespace imbw::test {

/// How often a latency bound is measured: the machines are shared, and one measurement now and
/// then includes the whole process being descheduled (CI once saw a forest cancel take 435 ms
/// where 30 runs here measure 0.3-4.5 ms). The bound applies to the median of these trials, so
/// one outlier does not fail the suite while a path that really waits fails every trial.
inline constexpr int kLatencyTrials = 3;

/// The median of the trials' latencies (the middle one; the upper middle for an even count).
inline double medianLatency(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return ms.empty() ? 0.0 : ms[ms.size() / 2];
}

inline constexpr double kCancelBoundMs = 200.0;        ///< issue: Cancel stops a fit within 200 ms
inline constexpr long long kEventLoopGapBoundMs = 50;  ///< issue: no event-loop stall over 50 ms
inline constexpr long long kYieldsBoundMs = 500;  ///< issue 12: yields within 0.5 s of the last key
#ifdef IMBW_SANITIZED
/// False in the sanitizer builds: IMBW_VERIFY_LATENCY prints instead of asserting.
inline constexpr bool kLatencyBoundsChecked = false;
inline constexpr long long kCloseBoundMs = 10000;  ///< see above: still catches a close that waits
#else
inline constexpr bool kLatencyBoundsChecked = true;
inline constexpr long long kCloseBoundMs = 2000;  ///< issue: the window closes within 2 s
#endif

}  // namespace imbw::test

/// QVERIFY2(cond, message) for a latency or stall bound (the constants above). In a sanitizer
/// build (IMBW_SANITIZED) the bound is not asserted: a measurement over it is printed and the
/// test goes on.
#define IMBW_VERIFY_LATENCY(cond, message)                                    \
  do {                                                                        \
    if constexpr (imbw::test::kLatencyBoundsChecked) {                        \
      QVERIFY2(cond, message);                                                \
    } else if (!(cond)) {                                                     \
      qInfo("latency bound not checked in a sanitizer build: %s", (message)); \
    }                                                                         \
  } while (false)
