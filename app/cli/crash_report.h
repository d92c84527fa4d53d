#pragma once

namespace imbw::cli {

/// The CLI's protection against a library that crashes on a damaged file (HDF5 1.10 has many
/// published crash bugs on malformed files and is not designed to read crafted files safely).
/// The CLI holds no unsaved state (every output file is written whole at the end, or to a
/// temporary name first), so a crash loses nothing but that command; what it needs is a clear
/// word. For SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT this prints one line to stderr naming
/// the signal and the command line and saying the likely cause (a damaged input file; check
/// each with `imbalance-cli inspect FILE`), then re-raises the signal with its default action,
/// so the exit status still says "killed by a signal" (the window's child-process probe relies
/// on it). Not installed in sanitizer builds (their own reports are better).
void installCrashReport(int argc, char** argv);

}  // namespace imbw::cli
