#pragma once

namespace imbw {

/// The spin count our programs give libgomp unless the user chose one (GOMP_SPINCOUNT or
/// OMP_WAIT_POLICY in the environment).
inline constexpr const char* kOpenMpSpinCount = "3000";

/// libgomp's threads spin up to 300,000 times at every barrier before they sleep. When other
/// work keeps the cores busy (a build, a second program, the window's own drawing), a
/// descheduled team member makes the rest spin through whole time slices, and XGBoost, which
/// opens many parallel regions per boosting round, then trains 5–18× slower. A spin count of
/// 3,000 costs nothing measurable on a quiet machine and removes most of that (bench/RESULTS.md,
/// "OpenMP spin count"). libgomp reads its environment once, when the library is loaded, so the
/// setting must be in place before the process starts: this re-executes the program once
/// (/proc/self/exe, same arguments) with GOMP_SPINCOUNT set. It does nothing when the user set
/// GOMP_SPINCOUNT or OMP_WAIT_POLICY (theirs wins), and carries on unchanged if exec fails.
/// Call it first thing in main(), before any thread exists.
void preferShortOpenMpSpin(char** argv);

}  // namespace imbw
