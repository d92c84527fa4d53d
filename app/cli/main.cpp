// imbalance-cli: the workbench's pipeline without a display. Each subcommand lives in its own
// cmd_<name>.cpp and registers itself with IMBW_CLI_COMMAND (see command.h).

#include <algorithm>
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/crash_report.h"
#include "core/util/error.h"
#include "core/util/openmp_env.h"

namespace {

void printHelp(std::ostream& out) {
  out << "usage: imbalance-cli COMMAND [ARGS...]\n"
         "       imbalance-cli COMMAND --help\n"
         "       imbalance-cli --version\n\n"
         "Imbalance Workbench without a display.\n\ncommands:\n";
  std::size_t width = 0;
  for (const auto& c : imbw::cli::commands()) width = std::max(width, c.name.size());
  for (const auto& c : imbw::cli::commands()) {
    out << "  " << c.name << std::string(width - c.name.size() + 3, ' ') << c.summary << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  imbw::preferShortOpenMpSpin(argv);
  imbw::cli::installCrashReport(argc, argv);  // a library crashing on a damaged file
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    printHelp(std::cerr);
    return 2;
  }
  if (args[0] == "--version") {
    std::cout << "imbalance-cli " << IMBW_VERSION << '\n';
    return 0;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printHelp(std::cout);
    return 0;
  }
  const auto all = imbw::cli::commands();
  const imbw::cli::Command* command = nullptr;
  for (const auto& c : all) {
    if (c.name == args[0]) command = &c;
  }
  if (!command) {
    std::cerr << "imbalance-cli: unknown command '" << args[0] << "'\n\n";
    printHelp(std::cerr);
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& a : rest) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      std::cout << command->usage;
      return 0;
    }
  }
  try {
    return command->run(rest);
  } catch (const imbw::cli::UsageError& e) {
    std::cerr << "imbalance-cli " << command->name << ": " << e.what() << "\n\n" << command->usage;
    return 2;
  } catch (const imbw::Error& e) {
    std::cerr << "imbalance-cli " << command->name << ": error: " << e.what() << '\n';
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    // Where a command did not check a path itself: the path and the system's reason.
    std::cerr << "imbalance-cli " << command->name << ": error: '" << e.path1().string() << "'"
              << (e.path2().empty() ? "" : " / '" + e.path2().string() + "'") << ": "
              << e.code().message() << '\n';
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "imbalance-cli " << command->name << ": error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "imbalance-cli " << command->name << ": internal error: " << e.what() << '\n';
    return 1;
  }
}
