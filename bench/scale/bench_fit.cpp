// Issue 12, one fit of a model kind on the generated 1 M events (fit_bench.py runs its Python
// peer in the same run). Reads the analysis (no cut: every event, the 28 features), fits on the
// first 80 % (the file's events are in random order), scores the last 20 % and writes the scores
// to OUTDIR/scale_scores_<kind>.npy (float64); prints one JSON line with the fit and predict
// seconds and the peak RSS. `eval` instead times our weighted ROC + PR + AP + AUC (+ working
// points, one pass: evaluateBinary) on OUTDIR/scale_eval_{scores,y,w}.npy (written by the driver)
// and prints AP and AUC for the driver to compare with scikit-learn.
//
// Usage: bench_scale_fit ANALYSIS.json OUTDIR 'MODEL_JSON' | bench_scale_fit eval OUTDIR

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/scale/scale_util.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/data/feature_matrix.h"
#include "core/data/feature_matrix_rows.h"
#include "core/eval/binary_summary.h"
#include "core/learn/model.h"
#include "core/util/openmp_env.h"

namespace {

using scale_bench::peakRss;
using scale_bench::since;

void writeNpy(const std::string& path, const std::vector<double>& v) {
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(v.size()) + ",), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(double)));
}

// A 1-D float64 .npy written by numpy (version 1 header).
std::vector<double> readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  char magic[10];
  in.read(magic, 10);
  const auto len = static_cast<std::uint16_t>(static_cast<unsigned char>(magic[8]) |
                                              (static_cast<unsigned char>(magic[9]) << 8));
  std::string header(len, '\0');
  in.read(header.data(), len);
  if (header.find("'<f8'") == std::string::npos) throw std::runtime_error(path + ": not <f8");
  std::vector<double> v;
  double x = 0;
  while (in.read(reinterpret_cast<char*>(&x), sizeof x)) v.push_back(x);
  return v;
}

int evaluate(const std::string& dir) {
  const auto scores = readNpy(dir + "/scale_eval_scores.npy");
  const auto y = readNpy(dir + "/scale_eval_y.npy");
  const auto w = readNpy(dir + "/scale_eval_w.npy");
  std::vector<std::uint8_t> isSignal(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) isSignal[i] = y[i] > 0.5 ? 1 : 0;
  double best = 1e9;
  imbw::BinarySummary s;
  for (int k = 0; k < 3; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    s = imbw::evaluateBinary(scores, isSignal, w);
    best = std::min(best, since(t0));
  }
  std::cout << nlohmann::json{{"eval_seconds", best},
                              {"ap", s.averagePrecision},
                              {"auc", s.auc},
                              {"events", scores.size()}}
                   .dump()
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  imbw::preferShortOpenMpSpin(argv);
  try {
    if (argc == 3 && std::string(argv[1]) == "eval") return evaluate(argv[2]);
    if (argc != 4) {
      std::cerr << "usage: bench_scale_fit ANALYSIS.json OUTDIR MODEL_JSON | eval OUTDIR\n";
      return 2;
    }
    const imbw::Analysis a = imbw::Analysis::load(argv[1]);
    const std::string dir = argv[2];
    const nlohmann::json spec = nlohmann::json::parse(argv[3]);
    imbw::LoadOptions o;
    o.applyCut = false;
    auto t0 = std::chrono::steady_clock::now();
    const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(a, o);
    const double loadSeconds = since(t0);
    const std::size_t n = loaded.table.size();
    const std::size_t nTrain = n * 4 / 5;
    std::vector<std::size_t> train(nTrain), test(n - nTrain);
    for (std::size_t i = 0; i < nTrain; ++i) train[i] = i;
    for (std::size_t i = nTrain; i < n; ++i) test[i - nTrain] = i;
    imbw::FeatureMatrix xTrain = imbw::featureMatrixOfRows(loaded.table, a.features, train);
    // Unweighted fits on both sides (the peers' defaults; XGBoost and scikit-learn take no
    // negative weights the way the engine's policy does); the evaluation uses the weights.
    std::fill(xTrain.weight.begin(), xTrain.weight.end(), 1.0);
    const imbw::FeatureMatrix xTest = imbw::featureMatrixOfRows(loaded.table, a.features, test);

    auto model = imbw::makeModel(spec);
    imbw::FitContext ctx;
    ctx.threads = 2;
    ctx.seed = 1;
    t0 = std::chrono::steady_clock::now();
    model->fit(xTrain, ctx);
    const double fitSeconds = since(t0);
    t0 = std::chrono::steady_clock::now();
    const std::vector<double> scores = model->predict(xTest.x);
    const double predictSeconds = since(t0);
    writeNpy(dir + "/scale_scores_" + spec.at("kind").get<std::string>() + ".npy", scores);
    std::cout << nlohmann::json{{"kind", spec.at("kind")},           {"train_events", nTrain},
                                {"load_seconds", loadSeconds},       {"fit_seconds", fitSeconds},
                                {"predict_seconds", predictSeconds}, {"peak_rss", peakRss()}}
                     .dump()
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "bench_scale_fit: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
