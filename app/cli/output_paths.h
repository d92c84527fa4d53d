#pragma once

#include <string>

namespace imbw::cli {

/// Checks, before any long work, that `path` can be written as a file: its folder exists and is
/// writable and `path` is not a folder. Throws imbw::Error naming the option and the path.
void requireWritableFile(const std::string& option, const std::string& path);

/// Makes sure `dir` is (or now is) a writable folder, creating missing parents; throws
/// imbw::Error naming the option and the path.
void requireWritableFolder(const std::string& option, const std::string& dir);

}  // namespace imbw::cli
