#pragma once

#include <stdexcept>
#include <string>

namespace imbw {

/// The one exception type core throws for bad input (a file, an expression, a parameter).
/// The message names the cause in words a physicist can act on; callers show it verbatim.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace imbw
