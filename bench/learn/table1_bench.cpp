// The whole Table 1 comparison, our side (helper area "table1"). Driven by table1_bench.py,
// which runs the Python stack's peer of every row in the same run and prints the ratios; the
// protocol is stated there.
//   table1_bench rows                      the row keys, one a line
//   table1_bench run OUTDIR ROW...         for each ROW: resample the training part, build the
//                                          model from the same run spec `imbalance-cli run`
//                                          uses, fit, score the test part; writes
//                                          OUTDIR/table1_scores_ROW.npy and prints one JSON line
// Inputs in OUTDIR: learn_170k_x.npy (float32 [n × 20]), learn_170k_y.npy (int32 [n]) from
// `trees_bench make-data`, and table1_train_idx.npy / table1_test_idx.npy (int64 row indices of
// the stratified 80/20 split, written by the driver so that both sides use the same events).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/learn/run_config.h"
#include "core/resample/resampler.h"
#include "core/util/openmp_env.h"

using namespace imbw;

namespace {

/// The Table 1 runs of resources/examples/ww/ww.analysis.json on the generated features
/// f0..f19, with the bench protocol's deviations: feature 0 / 1 stand in for Δφ_jj / p_T and
/// the networks train a fixed 2 epochs (no validation split, no early stopping). The balanced
/// forest has no depth limit, its default on both sides.
const std::vector<std::pair<std::string, nlohmann::json>>& rowSpecs() {
  static const std::vector<std::pair<std::string, nlohmann::json>> rows = [] {
    using J = nlohmann::json;
    const J gbdt = {{"kind", "gbdt"}, {"trees", 1000}, {"learning_rate", 0.01}, {"max_depth", 6}};
    const J mlp = {{"kind", "mlp"}, {"max_epochs", 2}};
    const J focal = {{"kind", "focal"}, {"alpha", 0.25}, {"gamma", 2}};
    return std::vector<std::pair<std::string, J>>{
        {"dphi", {{"model", {{"kind", "one_variable"}, {"feature", "f0"}}}}},
        {"pt", {{"model", {{"kind", "one_variable"}, {"feature", "f1"}}}}},
        {"rf", {{"model", {{"kind", "random_forest"}, {"trees", 100}, {"max_depth", 10}}}}},
        {"weighted_rf",
         {{"model",
           {{"kind", "random_forest"},
            {"trees", 100},
            {"max_depth", 10},
            {"class_weight", "balanced"}}}}},
        {"balanced_rf", {{"model", {{"kind", "balanced_random_forest"}, {"trees", 100}}}}},
        {"gbdt", {{"model", gbdt}}},
        {"gbdt_weighted",
         {{"model", gbdt}, {"loss", {{"kind", "weighted_cross_entropy"}, {"alpha", "1-r"}}}}},
        {"gbdt_focal", {{"model", gbdt}, {"loss", focal}}},
        {"nn", {{"model", mlp}}},
        {"nn_focal", {{"model", mlp}, {"loss", focal}}},
        {"under_gbdt", {{"model", gbdt}, {"resample", {{"kind", "random_under"}, {"ratio", 1}}}}},
        {"smote_gbdt",
         {{"model", gbdt}, {"resample", {{"kind", "smote"}, {"ratio", 1}, {"k", 5}}}}},
    };
  }();
  return rows;
}

struct Npy {
  std::string descr;
  std::vector<std::size_t> shape;
  std::vector<char> payload;
};

/// Minimal .npy reader (version 1/2, C order) for the few dtypes the bench exchanges.
Npy readNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not .npy");
  std::uint32_t len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    len = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  }
  std::string header(len, ' ');
  in.read(header.data(), len);
  Npy npy;
  const auto d = header.find("'descr':");
  const auto q1 = header.find('\'', d + 8), q2 = header.find('\'', q1 + 1);
  npy.descr = header.substr(q1 + 1, q2 - q1 - 1);
  if (header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path + ": Fortran order is not supported");
  const auto s1 = header.find('(', header.find("'shape':")), s2 = header.find(')', s1);
  std::string dims = header.substr(s1 + 1, s2 - s1 - 1);
  std::size_t count = 1;
  for (std::size_t pos = 0; pos < dims.size();) {
    const auto comma = dims.find(',', pos);
    const std::string tok = dims.substr(pos, comma == std::string::npos ? comma : comma - pos);
    if (tok.find_first_of("0123456789") != std::string::npos) {
      npy.shape.push_back(std::stoull(tok));
      count *= npy.shape.back();
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  const std::size_t item = std::stoul(npy.descr.substr(2));
  npy.payload.resize(count * item);
  in.read(npy.payload.data(), static_cast<std::streamsize>(npy.payload.size()));
  if (!in) throw std::runtime_error(path + " is shorter than its header says");
  return npy;
}

void writeNpy(const std::string& path, const std::vector<double>& v) {
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(v.size()) + ",), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  const char lenBytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(lenBytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(double)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

template <class T>
const T* typed(const Npy& npy, const char* descr, const std::string& what) {
  if (npy.descr != descr)
    throw std::runtime_error(what + ": expected dtype " + descr + ", got " + npy.descr);
  return reinterpret_cast<const T*>(npy.payload.data());
}

FeatureMatrix loadAll(const std::string& dir) {
  const Npy xn = readNpy(dir + "/learn_170k_x.npy"), yn = readNpy(dir + "/learn_170k_y.npy");
  if (xn.shape.size() != 2 || yn.shape.size() != 1 || xn.shape[0] != yn.shape[0])
    throw std::runtime_error("learn_170k_{x,y}.npy: inconsistent shapes");
  const float* x = typed<float>(xn, "<f4", "learn_170k_x.npy");
  const std::int32_t* y = typed<std::int32_t>(yn, "<i4", "learn_170k_y.npy");
  const std::size_t n = xn.shape[0], cols = xn.shape[1];
  FeatureMatrix m;
  for (std::size_t f = 0; f < cols; ++f) m.featureNames.push_back("f" + std::to_string(f));
  m.classNames = {"background", "signal"};
  m.signalClass = 1;
  m.x = Eigen::Map<const RowMatrixF>(x, static_cast<Eigen::Index>(n),
                                     static_cast<Eigen::Index>(cols));
  m.label.assign(y, y + n);
  m.weight.assign(n, 1.0);
  return m;
}

std::vector<std::size_t> loadIndex(const std::string& path, std::size_t rows) {
  const Npy npy = readNpy(path);
  const std::int64_t* p = typed<std::int64_t>(npy, "<i8", path);
  std::vector<std::size_t> idx(npy.shape.at(0));
  for (std::size_t i = 0; i < idx.size(); ++i) {
    if (p[i] < 0 || static_cast<std::size_t>(p[i]) >= rows)
      throw std::runtime_error(path + ": index out of range");
    idx[i] = static_cast<std::size_t>(p[i]);
  }
  return idx;
}

double weightedSignalFraction(const FeatureMatrix& m) {  // as the run engine computes r
  double s = 0.0, all = 0.0;
  for (std::size_t i = 0; i < m.rows(); ++i) {
    all += m.weight[i];
    if (m.isSignal(i)) s += m.weight[i];
  }
  return all != 0.0 ? s / all : 0.0;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run(const std::string& dir, const std::vector<std::string>& keys) {
  const FeatureMatrix all = loadAll(dir);
  const FeatureMatrix trainAll = all.subset(loadIndex(dir + "/table1_train_idx.npy", all.rows()));
  const FeatureMatrix test = all.subset(loadIndex(dir + "/table1_test_idx.npy", all.rows()));
  for (const std::string& key : keys) {
    const nlohmann::json* spec = nullptr;
    for (const auto& [k, s] : rowSpecs())
      if (k == key) spec = &s;
    if (!spec) throw std::runtime_error("unknown row " + key + " (see `table1_bench rows`)");
    nlohmann::json runJson = *spec;
    runJson["name"] = key;
    const RunConfig config = RunConfig::fromJson(runJson);

    // Timed like the run engine's fold: resampling + model + fit + predict (the engine's own
    // evaluation is left out; the driver computes AP / AUC of both sides identically).
    const auto t0 = std::chrono::steady_clock::now();
    ResampleConfig rc = config.resample;
    rc.seed = 1;
    FeatureMatrix train =
        config.resample.kind == ResampleKind::None ? trainAll : resample(trainAll, rc).data;
    const double resampleSeconds = since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    auto model = makeModel(config.modelSpec(weightedSignalFraction(train)));
    FitContext ctx;
    ctx.threads = 2;
    ctx.seed = 1;
    model->fit(train, ctx);
    const double fitSeconds = since(t1);
    const auto t2 = std::chrono::steady_clock::now();
    const std::vector<double> scores = model->predict(test.x);
    const double predictSeconds = since(t2);
    writeNpy(dir + "/table1_scores_" + key + ".npy", scores);
    const nlohmann::json line = {{"row", key},
                                 {"train_events", train.rows()},
                                 {"resample_seconds", resampleSeconds},
                                 {"fit_seconds", fitSeconds},
                                 {"predict_seconds", predictSeconds},
                                 {"seconds", resampleSeconds + fitSeconds + predictSeconds},
                                 {"model", model->config()}};
    std::cout << line.dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  imbw::preferShortOpenMpSpin(argv);
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "rows" && argc == 2) {
      for (const auto& [k, s] : rowSpecs()) std::cout << k << "\n";
      return 0;
    }
    if (cmd == "run" && argc >= 4)
      return run(argv[2], std::vector<std::string>(argv + 3, argv + argc));
    std::cerr << "usage: table1_bench rows | run OUTDIR ROW...\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "table1_bench: " << e.what() << "\n";
    return 1;
  }
}
