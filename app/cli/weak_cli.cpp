#include "app/cli/weak_cli.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "core/analysis/analysis_loader.h"
#include "core/learn/learn_util.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void onWeakSigint(int) {
  g_stop.store(true);
}

std::vector<std::string> expandObject(const std::string& option, const std::string& text,
                                      const Analysis& analysis) {
  std::vector<std::string> known = analysis.features;
  for (const auto& d : analysis.derived)
    if (std::find(known.begin(), known.end(), d.name) == known.end()) known.push_back(d.name);
  try {
    return expandFeatureList(option, text, known);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
}

double number(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !std::isfinite(v))
    throw UsageError(option + ": '" + text + "' is not a number");
  return v;
}

int integer(const std::string& option, const std::string& text, int minimum) {
  const double v = number(option, text);
  if (v != std::floor(v) || v < minimum)
    throw UsageError(option + " needs an integer >= " + std::to_string(minimum));
  return static_cast<int>(v);
}

nlohmann::json modelOption(const Args& args, const std::string& option, nlohmann::json fallback) {
  if (!args.options.count(option)) return fallback;
  const std::string text = args.option(option);
  nlohmann::json j;
  try {
    j = text.find('{') == std::string::npos ? nlohmann::json{{"kind", text}}
                                            : nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(option + ": not JSON: " + e.what());
  }
  (void)makeModel(j);  // named errors before any work
  return j;
}

}  // namespace

const char* const kWeakOptionsUsage =
    "  --object1 LIST    features of object 1 (comma separated; NAME* = every analysis feature\n"
    "                    or derived name starting with NAME); default j1_*\n"
    "  --object2 LIST    likewise; default j2_*\n"
    "  --resonance NAME  the resonance variable (a column or derived feature); default mjj\n"
    "  --window LO,HI    the signal region of the resonance variable; default 3300,3700\n"
    "  --sideband W      CWoLa's sidebands: W wide on each side of the window; default 400\n"
    "  --classifier SPEC model of the CWoLa / Tag N' Train / supervised steps: a kind or JSON;\n"
    "                    default {\"kind\":\"gbdt\",\"trees\":100,\"learning_rate\":0.1,"
    "\"max_depth\":3}\n"
    "  --autoencoder SPEC the autoencoder of each object (JSON); default hidden [16], latent 1,\n"
    "                    10 epochs\n"
    "  --top F           Tag N' Train: signal-like tag fraction; default 0.2\n"
    "  --bottom F        Tag N' Train: background-like tag fraction; default 0.4\n"
    "  --tag-in WHERE    Tag N' Train tags the events of: window (the signal region) or all;\n"
    "                    default window\n"
    "  --iterations N    Tag N' Train iterations; default 1\n"
    "  --folds K         every event is scored by models that did not see it; default 3\n"
    "  --seed S          default 1\n"
    "  --threads N       default 2\n"
    "  --quiet           no progress lines\n";

const std::set<std::string>& weakValueOptions() {
  static const std::set<std::string> o{"--object1",  "--object2",    "--resonance",   "--window",
                                       "--sideband", "--classifier", "--autoencoder", "--top",
                                       "--bottom",   "--tag-in",     "--iterations",  "--folds",
                                       "--seed",     "--threads"};
  return o;
}

std::vector<double> parseNumberList(const std::string& option, const std::string& text) {
  std::vector<double> out;
  for (const std::string& item : splitList(text)) out.push_back(number(option, item));
  if (out.empty()) throw UsageError(option + " needs at least one number");
  return out;
}

std::string fixedText(double v, int decimals) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

WeakStudyConfig weakConfig(const Args& args, const Analysis& analysis) {
  WeakStudyConfig c;
  c.object1Features = expandObject("--object1", args.option("--object1", "j1_*"), analysis);
  c.object2Features = expandObject("--object2", args.option("--object2", "j2_*"), analysis);
  if (args.options.count("--window")) {
    const std::vector<double> w = parseNumberList("--window", args.option("--window"));
    if (w.size() != 2 || !(w[1] > w[0]))
      throw UsageError("--window needs LO,HI with HI > LO, got '" + args.option("--window") + "'");
    c.window = {w[0], w[1]};
  }
  if (args.options.count("--sideband")) {
    c.sidebandWidth = number("--sideband", args.option("--sideband"));
    if (!(c.sidebandWidth > 0)) throw UsageError("--sideband must be positive");
  }
  c.classifier = modelOption(args, "--classifier", c.classifier);
  c.autoencoder = modelOption(args, "--autoencoder", c.autoencoder);
  if (args.options.count("--top")) c.signalTagFraction = number("--top", args.option("--top"));
  if (args.options.count("--bottom"))
    c.backgroundTagFraction = number("--bottom", args.option("--bottom"));
  if (!(c.signalTagFraction > 0 && c.backgroundTagFraction > 0 &&
        c.signalTagFraction + c.backgroundTagFraction <= 1.0))
    throw UsageError("--top and --bottom must be positive and add up to at most 1");
  if (args.options.count("--tag-in")) {
    const std::string where = args.option("--tag-in");
    if (where != "window" && where != "all")
      throw UsageError("--tag-in needs window or all, got '" + where + "'");
    c.tagInWindow = where == "window";
  }
  if (args.options.count("--iterations"))
    c.iterations = integer("--iterations", args.option("--iterations"), 1);
  if (args.options.count("--folds")) c.folds = integer("--folds", args.option("--folds"), 2);
  if (args.options.count("--seed"))
    c.seed = static_cast<std::uint64_t>(integer("--seed", args.option("--seed"), 0));
  if (args.options.count("--threads"))
    c.threads = integer("--threads", args.option("--threads"), 1);
  return c;
}

WeakData loadWeakData(const Args& args, const Analysis& analysis, const WeakStudyConfig& c,
                      const std::vector<std::string>& extra) {
  const std::string resonance = args.option("--resonance", "mjj");
  std::vector<std::string> names = c.object1Features;
  for (const auto& list : {c.object2Features, extra})
    for (const std::string& n : list)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  LoadOptions opts;
  opts.extraColumns = names;
  opts.extraColumns.push_back(resonance);
  const LoadedAnalysis loaded = loadAnalysis(analysis, opts);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  WeakData d;
  d.x = FeatureMatrix::fromTable(loaded.table, names);
  const std::vector<float>& m = loaded.table.column(resonance);
  d.resonance.assign(m.begin(), m.end());
  for (std::size_t i = 0; i < d.resonance.size(); ++i)
    if (std::isnan(d.resonance[i]))
      throw Error("event " + std::to_string(i) + " has no value of the resonance variable '" +
                  resonance + "'");
  std::size_t sig = 0;
  for (std::size_t i = 0; i < d.x.rows(); ++i) sig += d.x.isSignal(i);
  d.hasTruth = d.x.signalClass >= 0 && sig > 0 && sig < d.x.rows();
  return d;
}

StageProgress::StageProgress(bool quiet) : m_quiet(quiet) {
  g_stop.store(false);
  std::signal(SIGINT, onWeakSigint);
}

StageProgress::~StageProgress() {
  std::signal(SIGINT, SIG_DFL);
}

bool StageProgress::stopRequested() const {
  return g_stop.load(std::memory_order_relaxed);
}

void StageProgress::progress(double, std::string_view stage) {
  if (m_quiet || stage == m_last) return;
  m_last = std::string(stage);
  std::cerr << "  " << m_last << '\n';
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string item = text.substr(pos, comma - pos);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  return out;
}

}  // namespace imbw::cli
