// Benchmark program of the network / logistic learners (helper area "nets").
//   nets_bench epoch DATADIR EPOCHS THREADS
//       trains the paper's network (2 × 150, BN, dropout 0.5, Adam, batch 50) on
//       DATADIR/learn_170k_{x,y}.npy (made by `trees_bench make-data`) for EPOCHS epochs and
//       prints {"epoch_seconds": ...} as one JSON line.
//   nets_bench ww-nn DATADIR
//       reads DATADIR/ww_x.npy, ww_y.npy, ww_folds.npy (written by nets_bench.py from the WW
//       example) and prints per-fold AP / AUC of our network as JSON. Fold k trains with seed
//       k + 1 (+ SEED_OFFSET, optional: repeat with other initialisations). PATIENCE and
//       MAX_EPOCHS (optional, default 5 and 50) set the early stopping. Each fold's JSON also
//       holds the per-epoch training and validation loss; the held-out scores of every event go
//       to DATADIR/ww_nn_scores_[focal_]SEED_OFFSET.npy.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/eval/binary_summary.h"
#include "core/learn/mlp_model.h"
#include "core/learn/model.h"

namespace {

// Minimal .npy reader: little-endian, C order, the dtype the caller expects.
std::vector<char> readNpy(const std::string& path, std::vector<std::size_t>& shape,
                          std::string& dtype) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  char magic[8];
  in.read(magic, 8);
  std::uint16_t headerLen = 0;
  in.read(reinterpret_cast<char*>(&headerLen), 2);
  std::string header(headerLen, '\0');
  in.read(header.data(), headerLen);
  const auto d = header.find("'descr': '") + 10;
  dtype = header.substr(d, header.find('\'', d) - d);
  const auto s = header.find("'shape': (") + 10;
  const std::string shp = header.substr(s, header.find(')', s) - s);
  shape.clear();
  std::size_t pos = 0;
  while (pos < shp.size()) {
    const auto comma = std::min(shp.find(',', pos), shp.size());
    const std::string item = shp.substr(pos, comma - pos);
    if (item.find_first_of("0123456789") != std::string::npos) shape.push_back(std::stoul(item));
    pos = comma + 1;
  }
  std::size_t n = 1;
  for (auto v : shape) n *= v;
  const std::size_t item = dtype.back() == '8' ? 8 : 4;
  std::vector<char> buf(n * item);
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  return buf;
}

imbw::FeatureMatrix load(const std::string& xPath, const std::string& yPath) {
  std::vector<std::size_t> sx, sy;
  std::string dx, dy;
  const auto xb = readNpy(xPath, sx, dx);
  const auto yb = readNpy(yPath, sy, dy);
  if (dx != "<f4" || (dy != "<i4" && dy != "<i8")) throw std::runtime_error("unexpected dtypes");
  imbw::FeatureMatrix m;
  m.x.resize(static_cast<Eigen::Index>(sx[0]), static_cast<Eigen::Index>(sx[1]));
  std::memcpy(m.x.data(), xb.data(), xb.size());
  m.label.resize(sx[0]);
  for (std::size_t i = 0; i < sx[0]; ++i) {
    std::int64_t v = 0;
    if (dy == "<i4") {
      std::int32_t v32;
      std::memcpy(&v32, yb.data() + 4 * i, 4);
      v = v32;
    } else {
      std::memcpy(&v, yb.data() + 8 * i, 8);
    }
    m.label[i] = static_cast<std::int32_t>(v);
  }
  m.weight.assign(sx[0], 1.0);
  m.classNames = {"background", "signal"};
  m.signalClass = 1;
  for (std::size_t f = 0; f < sx[1]; ++f) m.featureNames.push_back("f" + std::to_string(f));
  return m;
}

int epoch(const std::string& dir, int epochs, int threads) {
  const imbw::FeatureMatrix data = load(dir + "/learn_170k_x.npy", dir + "/learn_170k_y.npy");
  imbw::MlpConfig c;  // the paper's network: defaults
  c.maxEpochs = epochs;
  imbw::MlpModel m(c);
  imbw::FitContext ctx;
  ctx.threads = threads;
  const auto t0 = std::chrono::steady_clock::now();
  m.fit(data, ctx);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"rows\": %zu, \"epochs\": %d, \"threads\": %d, \"epoch_seconds\": %.4f}\n",
              data.rows(), epochs, threads, s / epochs);
  return 0;
}

void writeNpy(const std::string& path, const char* dtype, std::size_t rows, std::size_t cols,
              const void* data, std::size_t bytes) {
  std::string header = std::string("{'descr': '") + dtype +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
                       (cols ? ", " + std::to_string(cols) + ")" : ",)") + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

// Records the per-epoch losses.
struct LossHistory : imbw::FitObserver {
  std::vector<double> train, val;
  void checkpoint(const imbw::Checkpoint& c) override {
    train.push_back(c.trainLoss);
    val.push_back(c.validationLoss);
  }
};

std::string jsonList(const std::vector<double>& v) {
  std::string s = "[";
  char buf[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.6g", i ? ", " : "", v[i]);
    s += buf;
  }
  return s + "]";
}

int wwNn(const std::string& dir, bool focal, int seedOffset, int patience, int maxEpochs) {
  const imbw::FeatureMatrix data = load(dir + "/ww_x.npy", dir + "/ww_y.npy");
  std::vector<std::size_t> sf;
  std::string df;
  const auto fb = readNpy(dir + "/ww_folds.npy", sf, df);
  std::vector<std::int64_t> fold(sf[0]);
  std::memcpy(fold.data(), fb.data(), fb.size());
  std::vector<double> heldOut(fold.size(), std::nan(""));
  std::printf("[");
  for (int k = 0; k < 5; ++k) {
    std::vector<std::size_t> tr, va, te;
    std::size_t seen = 0;
    for (std::size_t i = 0; i < fold.size(); ++i) {
      if (fold[i] == k) {
        te.push_back(i);
      } else {
        // Same validation carve-out as the peer: every 10th training event.
        (seen++ % 10 == 0 ? va : tr).push_back(i);
      }
    }
    const auto train = data.subset(tr), val = data.subset(va), test = data.subset(te);
    imbw::MlpConfig c;
    c.patience = patience;
    c.maxEpochs = maxEpochs;
    if (focal) {
      c.loss.kind = imbw::LossKind::Focal;
      c.loss.alpha = 0.25;
      c.loss.gamma = 2.0;
    }
    imbw::MlpModel m(c);
    imbw::FitContext ctx;
    ctx.validation = &val;
    LossHistory hist;
    ctx.observer = &hist;
    ctx.seed = static_cast<std::uint64_t>(k + 1 + seedOffset);
    const auto t0 = std::chrono::steady_clock::now();
    m.fit(train, ctx);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto scores = m.predict(test.x);
    for (std::size_t i = 0; i < te.size(); ++i) heldOut[te[i]] = scores[i];
    std::vector<std::uint8_t> sig(test.rows());
    for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = test.isSignal(i);
    const auto sum = imbw::evaluateBinary(scores, sig);
    std::printf(
        "%s{\"fold\": %d, \"ap\": %.5f, \"auc\": %.5f, \"fit_seconds\": %.3f, \"epochs\": %d, "
        "\"best_epoch\": %d, \"train_loss\": %s, \"val_loss\": %s}",
        k ? ", " : "", k, sum.averagePrecision, sum.auc, s, m.epochsRun(), m.bestEpoch(),
        jsonList(hist.train).c_str(), jsonList(hist.val).c_str());
    std::fflush(stdout);
  }
  std::printf("]\n");
  // The held-out scores, so that the driver scores both sides with the same code.
  writeNpy(dir + "/ww_nn_scores_" + (focal ? "focal_" : "") + std::to_string(seedOffset) + ".npy",
           "<f8", heldOut.size(), 0, heldOut.data(), heldOut.size() * sizeof(double));
  return 0;
}

// The WW example's feature matrix (after its cut) as seen by every model, for the peers.
int wwExport(const std::string& analysisPath, const std::string& dir) {
  const imbw::Analysis a = imbw::Analysis::load(analysisPath);
  const auto loaded = imbw::loadAnalysis(a);
  const auto m = imbw::FeatureMatrix::fromTable(loaded.table, a.features);
  std::vector<std::int64_t> y(m.rows());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = m.isSignal(i);
  writeNpy(dir + "/ww_x.npy", "<f4", m.rows(), m.cols(), m.x.data(), sizeof(float) * m.x.size());
  writeNpy(dir + "/ww_y.npy", "<i8", m.rows(), 0, y.data(), sizeof(std::int64_t) * y.size());
  std::printf("wrote %zu × %zu\n", m.rows(), m.cols());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "ww-export" && argc == 4) return wwExport(argv[2], argv[3]);
    if (cmd == "epoch" && argc == 5) return epoch(argv[2], std::stoi(argv[3]), std::stoi(argv[4]));
    if ((cmd == "ww-nn" || cmd == "ww-nn-focal") && argc >= 3 && argc <= 6)
      return wwNn(argv[2], cmd == "ww-nn-focal", argc > 3 ? std::stoi(argv[3]) : 0,
                  argc > 4 ? std::stoi(argv[4]) : 5, argc > 5 ? std::stoi(argv[5]) : 50);
    std::fprintf(
        stderr,
        "usage: nets_bench epoch DATADIR EPOCHS THREADS | ww-nn[-focal] DATADIR [SEED_OFFSET "
        "[PATIENCE [MAX_EPOCHS]]]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nets_bench: %s\n", e.what());
    return 1;
  }
}
