#pragma once

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace imbw::cli {

/// A subcommand of imbalance-cli. `run` gets the arguments after the command name and returns
/// the exit code; it may throw imbw::Error (printed to stderr, exit 1) or UsageError (printed
/// with the usage, exit 2). `--help` / `-h` is handled by main before `run` is called.
struct Command {
  std::string name;
  std::string summary;  ///< one line for `imbalance-cli --help`
  std::string usage;    ///< full help text of the command
  std::function<int(const std::vector<std::string>& args)> run;
};

/// Wrong command-line usage (unknown option, missing argument).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Adds a command to the table main() dispatches on; used through IMBW_CLI_COMMAND.
bool registerCommand(Command command);
/// Registered commands, sorted by name.
std::vector<Command> commands();

/// Parsed command line of one command: positional arguments, `--name value` options and
/// `--flag` switches (also `--name=value`).
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;

  bool flag(const std::string& name) const { return flags.count(name) > 0; }
  std::string option(const std::string& name, const std::string& fallback = {}) const;
};

/// Throws UsageError for an option not in `valueOptions` or `flagOptions` (names with "--").
Args parseArgs(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
               const std::set<std::string>& flagOptions);

}  // namespace imbw::cli

/// Registers a subcommand: one line in the command's own source file, e.g.
///   IMBW_CLI_COMMAND(yields, "per-class yields before and after the cut", kUsage, runYields)
/// plus the file in app/cli/CMakeLists.txt. (The executable links the sources directly, so the
/// static registration object is always kept.)
#define IMBW_CLI_COMMAND(id, summary, usage, function)               \
  namespace {                                                        \
  const bool imbwCliRegistered_##id =                                \
      ::imbw::cli::registerCommand({#id, summary, usage, function}); \
  }
