#include "app/cli/output_paths.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "core/util/error.h"

namespace imbw::cli {

namespace fs = std::filesystem;

namespace {

bool writable(const fs::path& p) {
  return ::access(p.c_str(), W_OK) == 0;
}

}  // namespace

void requireWritableFile(const std::string& option, const std::string& path) {
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec))
    throw Error(option + " '" + path + "' is a folder; give a file name");
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::exists(dir, ec))
    throw Error(option + " '" + path + "': the folder '" + dir.string() +
                "' does not exist (create it first)");
  if (!fs::is_directory(dir, ec))
    throw Error(option + " '" + path + "': '" + dir.string() + "' is not a folder");
  if (fs::exists(p, ec) ? !writable(p) : !writable(dir))
    throw Error(option + " '" + path + "': no permission to write " +
                (fs::exists(p, ec) ? "this file" : "into '" + dir.string() + "'"));
}

void requireWritableFolder(const std::string& option, const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(option + " '" + dir + "' is a file, not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw Error(option + " '" + dir + "': cannot create the folder: " + ec.message());
  if (!writable(dir)) throw Error(option + " '" + dir + "': no permission to write into it");
}

}  // namespace imbw::cli
