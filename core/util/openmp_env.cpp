#include "core/util/openmp_env.h"

#include <unistd.h>

#include <cstdlib>

namespace imbw {

void preferShortOpenMpSpin(char** argv) {
  if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY")) return;
  // Set before exec, so the new image sees it and returns above: at most one re-exec.
  if (::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc, say): run on with libgomp's default spinning.
}

}  // namespace imbw
