// libFuzzer target: the HDF5 sample reader (layout detection, column listing, chunked reads,
// string labels). Seeds: small HDF5 files (fuzz/corpus/reader, see fuzz/run.sh). Findings here
// are kept in fuzz/regressions/reader/ for the reader's owner; the HDF5 1.10 library itself has
// known crash bugs on malformed files, which the window avoids by probing files in a child.

#include <cstdint>

#include "core/data/sample_reader.h"
#include "core/util/error.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1u << 20)) return -1;
  const std::string path = imbw::fuzz::asFile(data, size, "sample.h5");
  try {
    imbw::ReaderOptions options;
    options.chunkSize = 7;
    const imbw::SampleReader reader(path, options);
    const imbw::SampleInfo& info = reader.info();
    std::vector<std::string> numeric;
    for (const auto& c : info.columns) {
      if (c.isString) {
        (void)reader.readStrings(c.name);
      } else if (numeric.size() < 8) {
        numeric.push_back(c.name);
      }
    }
    if (!numeric.empty())
      reader.read(numeric, {}, [](const imbw::Chunk& chunk) {
        volatile float sink = 0.0f;
        for (const auto& col : chunk.columns)
          if (col.f && chunk.size > 0) sink = sink + col.f[chunk.size - 1];
      });
  } catch (const imbw::Error&) {
  }
  return 0;
}
