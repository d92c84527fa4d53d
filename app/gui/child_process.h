#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

namespace imbw {

/// A child process for the file probe, started with posix_spawn: its standard output goes to
/// /dev/null, its standard error is kept (the first 64 kB). Not QProcess: Qt 6.4 starts a child
/// with clone(CLONE_VM|CLONE_VFORK), which ThreadSanitizer's runtime (clang 14 and 16) cannot
/// follow (it stops the program with a CHECK failure in its clone interceptor, so the window
/// could not be checked for races); glibc's posix_spawn clones internally, unseen by it.
/// Not thread-safe; one object per child.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  /// Kills and reaps a child still running.
  ~ChildProcess();

  /// Starts `program` (searched on PATH when it has no '/') with `args` (without the program
  /// name) and this process's environment, where `env` ("NAME=value") replaces or adds
  /// variables. False when it cannot be started (not found, not executable).
  bool start(const std::string& program, const std::vector<std::string>& args,
             const std::vector<std::string>& env = {});
  /// Waits up to `ms` for the child to end, reading its standard error meanwhile. True when it
  /// has ended (also when it never started).
  bool waitForFinished(int ms);
  /// Kills the child (SIGKILL) and reaps it.
  void kill();
  /// True when the child ended through a signal (a crash, or kill()).
  bool crashed() const;
  /// The exit status when it ended normally, else -1.
  int exitCode() const;
  const std::string& standardError() const { return m_stderr; }

 private:
  void readError();
  void closeError();

  pid_t m_pid = -1;
  int m_errFd = -1;
  bool m_done = false;
  int m_status = 0;
  std::string m_stderr;
};

}  // namespace imbw
