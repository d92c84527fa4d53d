#include "app/gui/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace imbw {

namespace {

constexpr std::size_t kMaxError = 64 * 1024;

/// The name of "NAME=value".
std::string nameOf(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (m_pid > 0 && !m_done) kill();
  closeError();
}

bool ChildProcess::start(const std::string& program, const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
  if (m_pid > 0) return false;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);  // without O_CLOEXEC

  std::vector<std::string> argStrings{program};
  argStrings.insert(argStrings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argStrings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStrings;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const std::string& set : env) replaced = replaced || nameOf(set) == nameOf(entry);
    if (!replaced) envStrings.push_back(entry);
  }
  envStrings.insert(envStrings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (std::string& e : envStrings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return false;
  }
  m_pid = pid;
  m_errFd = fds[0];
  ::fcntl(m_errFd, F_SETFL, ::fcntl(m_errFd, F_GETFL) | O_NONBLOCK);
  return true;
}

void ChildProcess::readError() {
  char buffer[4096];
  while (m_errFd >= 0) {
    const ssize_t n = ::read(m_errFd, buffer, sizeof buffer);
    if (n > 0) {
      const std::size_t keep =
          std::min<std::size_t>(n, kMaxError - std::min(kMaxError, m_stderr.size()));
      m_stderr.append(buffer, keep);
    } else if (n == 0) {
      closeError();  // the child (and any of its children) closed it
    } else if (errno != EINTR) {
      return;  // EAGAIN: nothing more now
    }
  }
}

void ChildProcess::closeError() {
  if (m_errFd >= 0) ::close(m_errFd);
  m_errFd = -1;
}

bool ChildProcess::waitForFinished(int ms) {
  if (m_pid <= 0 || m_done) return true;
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    readError();
    const pid_t w = ::waitpid(m_pid, &m_status, WNOHANG);
    if (w == m_pid || (w < 0 && errno == ECHILD)) {
      m_done = true;
      readError();  // what it wrote last
      closeError();
      return true;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    // Wakes when the child writes or closes its standard error, else after 10 ms (an exit
    // without closing it first, as when a grandchild keeps it open).
    pollfd p{m_errFd, POLLIN, 0};
    ::poll(&p, m_errFd >= 0 ? 1 : 0, static_cast<int>(std::min<long long>(left, 10)));
  }
}

void ChildProcess::kill() {
  if (m_pid <= 0 || m_done) return;
  ::kill(m_pid, SIGKILL);
  while (::waitpid(m_pid, &m_status, 0) < 0 && errno == EINTR) {
  }
  m_done = true;
  readError();
  closeError();
}

bool ChildProcess::crashed() const {
  return m_done && WIFSIGNALED(m_status);
}

int ChildProcess::exitCode() const {
  return m_done && WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
}

}  // namespace imbw
