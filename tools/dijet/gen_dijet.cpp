// imbw-gen-dijet: writes the synthetic dijet sample (tools/dijet/dijet_generator.h) to HDF5.
//
// Usage: imbw-gen-dijet OUT.h5 [--background N] [--signal-fraction F] [--correlation RHO]
//                              [--seed S]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/util/error.h"
#include "tools/dijet/dijet_generator.h"

namespace {

const char* const kUsage =
    "usage: imbw-gen-dijet OUT.h5 [--background N] [--signal-fraction F] [--correlation RHO]\n"
    "                             [--seed S]\n"
    "Writes a SYNTHETIC stand-in for the LHC Olympics R&D dijet sample (see README.md of\n"
    "resources/examples/dijet): N QCD background events (default 40000), F*N W' signal events\n"
    "(default F = 0.1), background jet substructure correlated by RHO in [0, 1) (default 0).\n";

double number(const std::string& option, const char* text) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0') throw imbw::Error(option + ": '" + text + "' is not a number");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  try {
    imbw::DijetConfig cfg;
    const std::string out = argv[1];
    for (int i = 2; i < argc; i += 2) {
      const std::string opt = argv[i];
      if (i + 1 >= argc) throw imbw::Error(opt + " needs a value");
      const double v = number(opt, argv[i + 1]);
      if (opt == "--background") {
        if (v < 1 || v != static_cast<double>(static_cast<long long>(v)))
          throw imbw::Error("--background: needs a whole number of events >= 1");
        cfg.backgroundEvents = static_cast<std::size_t>(v);
      } else if (opt == "--signal-fraction") {
        cfg.signalFraction = v;
      } else if (opt == "--correlation") {
        cfg.backgroundCorrelation = v;
      } else if (opt == "--seed") {
        cfg.seed = static_cast<std::uint64_t>(v);
      } else {
        std::fprintf(stderr, "unknown option %s\n%s", opt.c_str(), kUsage);
        return 2;
      }
    }
    const imbw::DijetSample s = imbw::generateDijet(cfg);
    imbw::writeDijetH5(s, cfg, out);
    std::printf("wrote %s: %zu events (%zu background, %zu signal), synthetic\n", out.c_str(),
                s.size(), cfg.backgroundEvents, s.size() - cfg.backgroundEvents);
    return 0;
  } catch (const imbw::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
