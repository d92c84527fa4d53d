// Benchmark (a) and (b) of issue 2 on the generated sample: (a) read all 20 columns into memory
// (SampleReader::readInto straight into one array per column; a_read_stream: the same through
// read() chunks copied into growing vectors); (b) read all 20 columns streaming in
// chunks with a three-term cut evaluated per chunk (imbw::Expression) so that memory only ever
// holds the selected events. Prints one line per measurement: "<name> <seconds> <events kept>".
//
// Usage: bench_data_read FILE.h5 [repeats] [chunkSize]

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/data/sample_reader.h"
#include "core/expr/expression.h"

namespace {

// Column storage. With IMBW_BENCH_HUGEPAGES=1 large columns are 2 MiB aligned and advised to
// use transparent huge pages, as numpy (>= 1.22) does for its arrays on Linux; off by default
// because on this (virtualised) machine first touch of huge pages was measured slower.
bool useHugePages() {
  static const bool on = [] {
    const char* v = std::getenv("IMBW_BENCH_HUGEPAGES");
    return v && v[0] == '1';
  }();
  return on;
}

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  static bool huge(std::size_t n) { return useHugePages() && n * sizeof(T) >= (4u << 20); }
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!huge(n)) return static_cast<T*>(::operator new(bytes));
    const std::size_t align = 2u << 20;
    void* p = std::aligned_alloc(align, (bytes + align - 1) / align * align);
    if (!p) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (huge(n)) {
      std::free(p);
    } else {
      ::operator delete(p);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};
using Column = std::vector<float, HugePageAllocator<float>>;

// The cut of the benchmark; the peer script applies the same three terms with a numpy mask.
const char* kCut = "x00 > 0 && x01 < 0.5 && abs(x02) < 1";

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> columnNames(const imbw::SampleInfo& info) {
  std::vector<std::string> names;
  for (const auto& c : info.columns) names.push_back(c.name);
  return names;
}

// (a) the whole-sample load: straight into uninitialised caller arrays (like numpy.empty +
// read_direct), no intermediate chunk buffer.
struct Arrays {
  std::vector<float*> ptrs;
  std::size_t n = 0;
  ~Arrays() { clear(); }
  void clear() {
    for (float* p : ptrs) HugePageAllocator<float>().deallocate(p, n);
    ptrs.clear();
  }
};

std::size_t readAllInto(const imbw::SampleReader& reader, const std::vector<std::string>& names,
                        Arrays& out) {
  out.clear();
  out.n = reader.info().events;
  for (std::size_t k = 0; k < names.size(); ++k) {
    out.ptrs.push_back(HugePageAllocator<float>().allocate(out.n));
  }
  reader.readInto(names, out.ptrs);
  return out.n;
}

// (a) through the streaming interface: every chunk copied into growing column vectors.
std::size_t readAll(const imbw::SampleReader& reader, const std::vector<std::string>& names,
                    std::vector<Column>& out) {
  out.assign(names.size(), {});
  for (auto& c : out) c.reserve(reader.info().events);
  reader.read(names, {}, [&](const imbw::Chunk& chunk) {
    for (std::size_t k = 0; k < names.size(); ++k) {
      out[k].insert(out[k].end(), chunk.columns[k].f, chunk.columns[k].f + chunk.size);
    }
  });
  return out.front().size();
}

std::size_t readWithCut(const imbw::SampleReader& reader, const std::vector<std::string>& names,
                        const imbw::BoundExpression& cut, std::vector<Column>& out) {
  // Address space for every event, pages touched only as selected events arrive: memory holds
  // the selected events only.
  out.assign(names.size(), {});
  for (auto& c : out) c.reserve(reader.info().events);
  std::vector<std::uint8_t> keep;
  reader.read(names, {}, [&](const imbw::Chunk& chunk) {
    keep.resize(chunk.size);
    cut.select(chunk.columns, chunk.size, keep.data());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < chunk.size; ++i) kept += keep[i];
    for (std::size_t k = 0; k < names.size(); ++k) {
      const float* in = chunk.columns[k].f;
      Column& dst = out[k];
      const std::size_t at = dst.size();
      // One slot of slack so the branch-free compaction may always store.
      dst.resize(at + kept + 1);
      float* p = dst.data() + at;
      std::size_t j = 0;
      for (std::size_t i = 0; i < chunk.size; ++i) {
        p[j] = in[i];
        j += keep[i];
      }
      dst.resize(at + kept);
    }
  });
  return out.front().size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE.h5 [repeats] [chunkSize]\n", argv[0]);
    return 2;
  }
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  imbw::ReaderOptions options;
  if (argc > 3) options.chunkSize = std::strtoull(argv[3], nullptr, 10);
  try {
    imbw::SampleReader reader(argv[1], options);
    const auto names = columnNames(reader.info());
    const auto cut = imbw::Expression::parse(kCut).bind(names);
    std::vector<Column> out;
    for (int r = 0; r < repeats; ++r) {
      double t0 = now();
      Arrays direct;
      std::size_t n = readAllInto(reader, names, direct);
      std::printf("a_read_all %.4f %zu\n", now() - t0, n);
      direct.clear();
      t0 = now();
      n = readAll(reader, names, out);
      std::printf("a_read_stream %.4f %zu\n", now() - t0, n);
      out.clear();
      out.shrink_to_fit();
      t0 = now();
      n = readWithCut(reader, names, cut, out);
      std::printf("b_read_cut %.4f %zu\n", now() - t0, n);
      out.clear();
      out.shrink_to_fit();
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
