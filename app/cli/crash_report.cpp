#include "app/cli/crash_report.h"

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define IMBW_CLI_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define IMBW_CLI_SANITIZED 1
#endif
#endif

namespace imbw::cli {

namespace {

// Written at start-up; the handler only calls write(), signal() and raise().
char g_command[1024];
std::size_t g_commandLength = 0;

const char* signalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV (invalid memory access)";
    case SIGBUS:
      return "SIGBUS (bus error)";
    case SIGFPE:
      return "SIGFPE (arithmetic fault)";
    case SIGILL:
      return "SIGILL (illegal instruction)";
    case SIGABRT:
      return "SIGABRT (aborted)";
    default:
      return "a fatal signal";
  }
}

void put(const char* s) {
  const std::size_t n = std::strlen(s);
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, s, n);
}

[[maybe_unused]] void onFatalSignal(int sig) {  // unused in sanitizer builds
  put("\nimbalance-cli: crashed with ");
  put(signalName(sig));
  put(" running `");
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, g_command, g_commandLength);
  put("`.\nA library crashed, most likely HDF5 reading a damaged file (HDF5 is not built to read "
      "damaged files safely). Check each input file with `imbalance-cli inspect FILE`; the "
      "files this command was writing are incomplete or absent.\n");
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void installCrashReport(int argc, char** argv) {
#ifdef IMBW_CLI_SANITIZED
  (void)argc;
  (void)argv;
#else
  std::string command = "imbalance-cli";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  if (command.size() >= sizeof(g_command))
    command = command.substr(0, sizeof(g_command) - 4) + "...";
  std::memcpy(g_command, command.data(), command.size());
  g_commandLength = command.size();
  for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, onFatalSignal);
#endif
}

}  // namespace imbw::cli
