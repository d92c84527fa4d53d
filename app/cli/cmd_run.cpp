// imbalance-cli run ANALYSIS.json: the cross-validated runs of the analysis file's "runs" list,
// with a progress bar on stderr, the paper's results table on stdout and a JSON result.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/output_paths.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/learn/model_io.h"
#include "core/learn/run_engine.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli run ANALYSIS.json [--model NAME | --run LIST] [--out results.json]\n"
    "                         [--scores scores.h5] [--save-models DIR] [--folds K]\n"
    "                         [--threads N] [--seed S] [--quiet]\n"
    "\n"
    "Runs the analysis file's \"runs\" (k-fold cross-validation: per fold the training part is\n"
    "resampled, the model fitted and the held-out part scored and evaluated) and prints the\n"
    "results table: model, t_fit, AP, AUC, AP/r and the background rejection 1/eps_B at signal\n"
    "efficiencies 0.2 and 0.8 (linear interpolation on the ROC curve), each as mean +- sample\n"
    "standard deviation over the folds. Ctrl-C stops cleanly after reporting what finished.\n"
    "\n"
    "  --model NAME      only runs with this name or model kind; a kind with no run in the file\n"
    "                    (mlp, logistic, gbdt, random_forest, ...) runs with default settings\n"
    "  --run LIST        only these runs, 1-based, comma separated (e.g. 1,3)\n"
    "  --out FILE        write the results as JSON\n"
    "  --scores FILE     write the held-out score and fold of every event to HDF5 (/events)\n"
    "  --save-models DIR save each fold's model (plus MODEL.meta.json for `apply`)\n"
    "  --folds K         override the number of folds\n"
    "  --threads N       override the number of threads\n"
    "  --seed S          override the seed\n"
    "  --quiet           no progress bar\n";

std::atomic<bool> g_stop{false};

extern "C" void onSigint(int) {
  g_stop.store(true);
}

class ProgressBar : public imbw::TrainingObserver {
 public:
  ProgressBar(std::string label, bool enabled)
      : m_label(std::move(label)), m_enabled(enabled), m_tty(::isatty(STDERR_FILENO) != 0) {}
  bool stopRequested() const override { return g_stop.load(std::memory_order_relaxed); }
  void progress(double fraction, std::string_view stage) override {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    const bool final = fraction >= 1.0;
    if (m_tty) {
      if (!final && now - m_last < std::chrono::milliseconds(100)) return;
      m_last = now;
      constexpr int width = 30;
      const int filled = static_cast<int>(std::round(std::clamp(fraction, 0.0, 1.0) * width));
      std::string stageText(stage);
      if (stageText.size() > 48) stageText = stageText.substr(0, 48);
      std::fprintf(stderr, "\r%-28.28s [%s%s] %3d%%  %-48s", m_label.c_str(),
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                   static_cast<int>(std::round(fraction * 100)), stageText.c_str());
      if (final) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else if (stage == "done" || stage == "cancelled") {
      std::fprintf(stderr, "%s: %s\n", m_label.c_str(), std::string(stage).c_str());
    }
  }
  void foldFinished(const imbw::FoldResult& f) override {
    if (m_enabled && !m_tty)
      std::fprintf(stderr, "%s: fold %d done (AP %.3f, AUC %.3f, %.2f s)\n", m_label.c_str(),
                   f.fold + 1, f.summary.averagePrecision, f.summary.auc, f.fitSeconds);
  }

 private:
  std::string m_label;
  bool m_enabled;
  bool m_tty;
  std::chrono::steady_clock::time_point m_last{};
};

std::vector<std::size_t> parseRunList(const std::string& text, std::size_t count) {
  std::vector<std::size_t> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    std::size_t used = 0;
    long v = 0;
    try {
      v = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || v < 1 || static_cast<std::size_t>(v) > count)
      throw imbw::cli::UsageError("--run: '" + item + "' is not a run number between 1 and " +
                                  std::to_string(count));
    out.push_back(static_cast<std::size_t>(v - 1));
    pos = comma + 1;
  }
  return out;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string meanStd(const imbw::RunResult& r, const std::string& key, int decimals) {
  const auto it = r.aggregate.find(key);
  if (it == r.aggregate.end() || it->second.n == 0) return "-";
  std::string s = fixed(it->second.mean, decimals);
  if (it->second.n >= 2) s += " ± " + fixed(it->second.std, decimals);
  return s;
}

// Display width of UTF-8 text (continuation bytes take no column).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string padRight(const std::string& s, std::size_t w) {
  const std::size_t c = columns(s);
  return c >= w ? s : s + std::string(w - c, ' ');
}

std::string padLeft(const std::string& s, std::size_t w) {
  const std::size_t c = columns(s);
  return c >= w ? s : std::string(w - c, ' ') + s;
}

/// The paper's Table 1 layout; decimals: t_fit 2, AP and AUC 3, AP/r 2, 1/ε_B 1.
void printResultsTable(std::ostream& os, const std::vector<imbw::RunResult>& results) {
  const std::vector<std::string> head{"#",   "model", "t_fit [s]",       "AP",
                                      "AUC", "AP/r",  "1/ε_B (ε_S=0.2)", "1/ε_B (ε_S=0.8)"};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    rows.push_back({std::to_string(i + 1), r.name + (r.cancelled ? " (cancelled)" : ""),
                    meanStd(r, "fit_seconds", 2), meanStd(r, "ap", 3), meanStd(r, "auc", 3),
                    meanStd(r, "ap_over_r", 2), meanStd(r, "rejection_at_eff_s_0.2", 1),
                    meanStd(r, "rejection_at_eff_s_0.8", 1)});
  }
  std::vector<std::size_t> w(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    w[c] = columns(head[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], columns(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) os << "  ";
      os << (c == 1 ? padRight(cells[c], w[c]) : padLeft(cells[c], w[c]));
    }
    os << '\n';
  };
  line(head);
  std::size_t total = 0;
  for (std::size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  std::string rule;
  for (std::size_t k = 0; k < total; ++k) rule += "─";
  os << rule << '\n';
  for (const auto& row : rows) line(row);
  if (!results.empty())
    os << "\nmean ± sample standard deviation over " << results.front().config.folds
       << " folds; 1/ε_B interpolated linearly on the ROC curve\n";
}

double signalFraction(const imbw::FeatureMatrix& m) {
  double s = 0.0, all = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    all += m.weight[i];
    if (m.isSignal(i)) s += m.weight[i];
  }
  return all != 0.0 ? s / all : 0.0;
}

std::string slug(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  while (s.find("__") != std::string::npos) s.replace(s.find("__"), 2, "_");
  while (!s.empty() && s.front() == '_') s.erase(s.begin());
  while (!s.empty() && s.back() == '_') s.pop_back();
  return s.empty() ? "run" : s;
}

/// /events/label, /events/weight, then per run /events/score_<run> and /events/fold_<run>.
void writeScores(const std::string& path, const imbw::FeatureMatrix& data,
                 const std::vector<imbw::RunResult>& results) {
  imbw::model_io::H5ModelFile f(path, imbw::model_io::H5ModelFile::Mode::Create);
  f.writeAttribute("imbw_content", "held-out scores of imbalance-cli run");
  f.writeVector("events/label", std::vector<double>(data.label.begin(), data.label.end()));
  f.writeVector("events/weight", data.weight);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string name = std::to_string(i + 1) + "_" + slug(results[i].name);
    f.writeVector("events/score_" + name, results[i].heldOutScores);
    f.writeVector("events/fold_" + name, std::vector<double>(results[i].heldOutFold.begin(),
                                                             results[i].heldOutFold.end()));
  }
}

std::string modelExtension(const std::string& kind) {
  if (kind == "mlp" || kind == "logistic" || kind == "one_variable") return ".h5";
  if (kind == "easy_ensemble") return ".json";
  return ".ubj";
}

/// DIR/<run>_fold<k>.<ext> plus DIR/<run>_fold<k>.<ext>.meta.json (what `apply` needs to
/// compute the inputs from a raw file: the derived features and the feature order).
void saveModels(const std::string& dir, const imbw::Analysis& analysis,
                const std::vector<imbw::RunResult>& results) {
  imbw::cli::requireWritableFolder("--save-models", dir);
  nlohmann::json derived = nlohmann::json::array();
  for (const auto& d : analysis.derived)
    derived.push_back({{"name", d.name}, {"expression", d.expression}});
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    for (std::size_t k = 0; k < r.models.size(); ++k) {
      const std::string file = (std::filesystem::path(dir) /
                                (std::to_string(i + 1) + "_" + slug(r.name) + "_fold" +
                                 std::to_string(k + 1) + modelExtension(r.models[k]->kind())))
                                   .string();
      r.models[k]->save(file);
      nlohmann::json meta{
          {"run", r.config.toJson()},
          {"fold", k + 1},
          {"features", r.config.features.empty() ? analysis.features : r.config.features},
          {"derived", derived},
          {"classes", analysis.classes},
          {"signal_class", analysis.signalClass},
          {"missing_value", analysis.missingValue ? nlohmann::json(*analysis.missingValue)
                                                  : nlohmann::json(nullptr)}};
      std::ofstream metaOut(file + ".meta.json");
      metaOut << meta.dump(2) << '\n';
      if (!metaOut) throw imbw::Error("cannot write '" + file + ".meta.json'");
    }
  }
  std::cerr << "models saved in " << dir << '\n';
}

int toInt(const std::string& option, const std::string& value, int minimum) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(value, &used);
  } catch (const std::out_of_range&) {
    throw imbw::cli::UsageError(option + " " + value + " does not fit a 32-bit integer");
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || v < minimum)
    throw imbw::cli::UsageError(option + " needs an integer >= " + std::to_string(minimum));
  return v;
}

int runRun(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(
      argv,
      {"--model", "--run", "--out", "--scores", "--save-models", "--folds", "--threads", "--seed"},
      {"--quiet"});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("run needs exactly one analysis file");
  if (args.options.count("--model") && args.options.count("--run"))
    throw imbw::cli::UsageError("give either --model or --run, not both");
  const std::string& path = args.positional[0];
  // Output paths are checked before the samples are read and the models trained (minutes), not
  // when the results are written.
  if (args.options.count("--out")) imbw::cli::requireWritableFile("--out", args.option("--out"));
  if (args.options.count("--scores"))
    imbw::cli::requireWritableFile("--scores", args.option("--scores"));
  if (args.options.count("--save-models"))
    imbw::cli::requireWritableFolder("--save-models", args.option("--save-models"));
  const imbw::Analysis analysis = imbw::Analysis::load(path);

  std::vector<imbw::RunConfig> all = imbw::runConfigsFromJson(analysis.runs);
  std::vector<imbw::RunConfig> runs;
  if (args.options.count("--run")) {
    if (all.empty()) throw imbw::Error("'" + path + "' has no runs");
    for (std::size_t i : parseRunList(args.option("--run"), all.size())) runs.push_back(all[i]);
  } else if (args.options.count("--model")) {
    const std::string want = args.option("--model");
    for (const auto& r : all)
      if (r.displayName() == want || r.modelKind() == want) runs.push_back(r);
    if (runs.empty()) {
      imbw::RunConfig r;
      r.model = {{"kind", want}};
      (void)imbw::makeModel(r.modelSpec(0.5));  // unknown kinds fail here, with "did you mean"
      runs.push_back(r);
    }
  } else {
    runs = all;
  }
  if (runs.empty())
    throw imbw::Error("'" + path + "' has no runs: add a \"runs\" list or use --model KIND");
  for (auto& r : runs) {
    if (args.options.count("--folds")) r.folds = toInt("--folds", args.option("--folds"), 2);
    if (args.options.count("--threads"))
      r.threads = toInt("--threads", args.option("--threads"), 1);
    if (args.options.count("--seed"))
      r.seed = static_cast<std::uint64_t>(toInt("--seed", args.option("--seed"), 0));
  }

  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  const imbw::FeatureMatrix data = imbw::FeatureMatrix::fromTable(loaded.table, analysis.features);

  std::signal(SIGINT, onSigint);
  std::vector<imbw::RunResult> results;
  bool cancelled = false;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string label = "[" + std::to_string(i + 1) + "/" + std::to_string(runs.size()) +
                              "] " + runs[i].displayName();
    ProgressBar bar(label, !args.flag("--quiet"));
    results.push_back(imbw::runCrossValidated(data, runs[i], bar));
    if (results.back().cancelled) {
      cancelled = true;
      break;
    }
  }
  std::signal(SIGINT, SIG_DFL);

  std::cout << "analysis  " << path << "\n"
            << "events    " << data.rows()
            << " (signal fraction r = " << fixed(signalFraction(data), 4) << "), " << data.cols()
            << " features\n\n";
  printResultsTable(std::cout, results);
  if (cancelled) {
    const auto& r = results.back();
    std::cout << "\nrun '" << r.name << "' was cancelled after " << r.folds.size() << " of "
              << r.config.folds << " folds; later runs were not started\n";
  }

  if (args.options.count("--out")) {
    nlohmann::json j{{"analysis", path}, {"events", data.rows()}, {"cancelled", cancelled}};
    j["runs"] = nlohmann::json::array();
    for (const auto& r : results) j["runs"].push_back(r.toJson());
    std::ofstream out(args.option("--out"));
    if (!out) throw imbw::Error("cannot write '" + args.option("--out") + "'");
    out << j.dump(2) << '\n';
  }
  if (args.options.count("--scores")) writeScores(args.option("--scores"), data, results);
  if (args.options.count("--save-models"))
    saveModels(args.option("--save-models"), analysis, results);
  return cancelled ? 130 : 0;
}

}  // namespace

IMBW_CLI_COMMAND(run, "cross-validated training runs with the paper's results table", kUsage,
                 runRun)
