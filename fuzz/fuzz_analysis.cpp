// libFuzzer target: the analysis / project file parser, as `imbalance-cli run` and the window
// read it (Analysis::load with its migration and validation, then the "runs" list with every
// run's model, loss and resampling settings). Bad input must give imbw::Error; any other
// exception would reach the user as "internal error" and is a finding, as is a crash or hang.

#include <cstdint>

#include "core/analysis/analysis.h"
#include "core/learn/run_config.h"
#include "core/util/error.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65536) return -1;
  const std::string path = imbw::fuzz::asFile(data, size, "analysis.json");
  try {
    const imbw::Analysis a = imbw::Analysis::load(path);
    (void)a.toJson();
    (void)a.unrecognisedKeys();
    (void)imbw::runConfigsFromJson(a.runs);
  } catch (const imbw::Error&) {
  }
  return 0;
}
