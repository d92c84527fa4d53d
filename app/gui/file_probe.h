#pragma once

#include <QString>
#include <chrono>
#include <functional>
#include <string>

#include "core/data/sample_reader.h"

namespace imbw {

/// The HDF5 library (Debian's 1.10 has dozens of published crash bugs on malformed files, and
/// HDF5 says it is not designed to open crafted files safely) can crash on a damaged file and
/// would take the window and the unsaved analysis with it. So before the window opens a sample
/// in-process, it reads it once in a child process: `imbalance-cli inspect --json FILE` with
/// the sample's reader options. A child that crashes or does not answer within the timeout
/// means the file is refused with a message; a child that answers (also with an error, which
/// the in-process reader then reports itself) means the file is safe to open.
///
/// A file that passed is remembered (by path, size and modification time) for the rest of the
/// process, so it is probed once. Blocking: call it on a worker thread.
struct ProbeResult {
  bool safe = true;      ///< false: the child crashed or timed out; `message` says so
  bool probed = false;   ///< false: no imbalance-cli found or it could not start (not refused)
  bool stopped = false;  ///< stopRequested() ended the probe (no message; do not open)
  QString message;
};

/// The program that probes: $IMBW_PROBE_CLI if set, else imbalance-cli beside the running
/// program (installed: both in bin/), else the build tree's, else on PATH. Empty: none.
QString probeProgram();

/// `stopRequested` (and, on a short job, its cancellation: closing the window) is polled every
/// 50 ms while the child runs: true kills the child and returns at once with `stopped` set and
/// `safe` false (the file was not checked, so it must not be opened).
ProbeResult probeSampleFile(const std::string& path, const ReaderOptions& options,
                            std::chrono::milliseconds timeout = std::chrono::seconds(60),
                            const std::function<bool()>& stopRequested = {});

/// Forgets which files passed (tests).
void forgetProbedFiles();

}  // namespace imbw
