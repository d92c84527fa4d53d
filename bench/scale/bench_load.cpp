// Issue 12, many events on one machine: one measurement per process, so the peak RSS (VmHWM)
// belongs to it alone. Prints one line: "<mode> <seconds> <events read> <events kept> <columns>
// <float32 matrix bytes> <peak RSS bytes>".
//
// Usage: bench_scale_load ANALYSIS.json MODE
//   cut     loadAnalysis with the analysis cut applied while reading (the CLI's loads)
//   window  every event, every raw column besides (the window's load: applyCut = false)
//   matrix  `cut`, then the training matrix of the features (the new featureMatrixOfRows
//           over the kept rows)
//   matrix-whole  the same through fromTable(whole table).subset(rows) (what training did)
//   yields  `window`, then the cut's live yields in memory (selectEvents + two computeYields,
//           the window's worker): seconds of that step alone, best of 3

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/scale/scale_util.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/analysis/yields.h"
#include "core/data/feature_matrix.h"
#include "core/data/feature_matrix_rows.h"
#include "core/data/sample_reader.h"

namespace {

using scale_bench::peakRss;
using scale_bench::since;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "usage: bench_scale_load ANALYSIS.json cut|window|matrix|matrix-whole|yields\n");
    return 2;
  }
  const std::string mode = argv[2];
  const imbw::Analysis a = imbw::Analysis::load(argv[1]);
  imbw::LoadOptions o;
  o.applyCut = mode != "window" && mode != "yields";
  if (!o.applyCut) {
    imbw::SampleReader r(a.resolvedPath(a.samples[0]), a.samples[0].readerOptions());
    o.extraColumns = r.info().scalarNames();
  }
  auto t0 = std::chrono::steady_clock::now();
  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(a, o);
  double sec = since(t0);
  const std::size_t kept = loaded.table.size();
  std::size_t cols = loaded.table.columns.size();
  if (mode == "matrix" || mode == "matrix-whole") {
    std::vector<std::size_t> rows(kept);
    for (std::size_t i = 0; i < kept; ++i) rows[i] = i;
    t0 = std::chrono::steady_clock::now();
    const imbw::FeatureMatrix m =
        mode == "matrix" ? imbw::featureMatrixOfRows(loaded.table, a.features, rows)
                         : imbw::FeatureMatrix::fromTable(loaded.table, a.features).subset(rows);
    sec = since(t0);
    cols = m.cols();
  } else if (mode == "yields") {
    sec = 1e9;
    for (int k = 0; k < 3; ++k) {
      t0 = std::chrono::steady_clock::now();
      const auto keep = imbw::selectEvents(loaded.table, a.cut);
      const auto before = imbw::computeYields(loaded.table);
      const auto after = imbw::computeYields(loaded.table, keep);
      sec = std::min(sec, since(t0));
      if (after.totalEvents() > before.totalEvents()) return 1;
    }
  }
  std::printf("%s %.3f %zu %zu %zu %zu %zu\n", mode.c_str(), sec, loaded.beforeCut.totalEvents(),
              kept, cols, kept * cols * sizeof(float), peakRss());
  return 0;
}
