#include "core/learn/forest_model.h"

#include <omp.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>

#include "core/learn/learn_util.h"
#include "core/util/error.h"

// Why our own trees and not XGBoost's hist builder (used until 2026-11-22, one boosting round per
// tree with per-tree gradient pairs): measured on the 170,000 × 20 set (136,000 training
// events, bench/learn/trees_bench.py, quiet machine, 2 threads):
// - XGBoost builds every feature's histogram at every node although a forest looks at √F of
//   them, and its level-wise builder runs one parallel region per node: the balanced forest
//   with no depth limit (its default; ~13k distinct events per tree, ~25 levels) took 17.9 s
//   for 100 trees on ONE busy core, against imbalanced-learn's 10.5 s. Growing one tree per
//   thread instead keeps both cores busy with no barrier inside a tree.
// - a cancel waited for the tree in flight (up to 0.9 s for a deep balanced tree) plus the
//   quantile sketch of the first round (0.22 s); here every node polls (time-throttled).
// - the RF mode of XGBoost shares one row sample across a round's trees and cannot give each
//   tree its own balanced under-sample.
// The builder follows scikit-learn's CART: Gini on the weighted class sums, √F features tried
// per node (more when those give no valid split), pure nodes not split. Values are binned
// first (at most max_bin quantile bins per feature, exact midpoints when a feature has fewer
// distinct values), which is where it differs from scikit-learn's exact thresholds.

namespace imbw {

namespace {

constexpr const char* kFormatKey = "imbw_kind";
constexpr int kFormatVersion = 1;

std::uint64_t mix(std::uint64_t x) {  // splitmix64: decorrelates per-tree seeds
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The training matrix as bin indices, column by column. Value bin b of feature f
/// (0 ≤ b ≤ cut[f].size()) holds the values v with cut[f][b − 1] ≤ v < cut[f][b]; missing
/// values get missingBin(f) = cut[f].size() + 1.
struct Binned {
  std::size_t rows = 0;
  std::vector<std::vector<float>> cut;  ///< per feature, ascending thresholds
  std::vector<std::uint16_t> bin;       ///< bin[f * rows + i]
  int bins(std::size_t f) const { return static_cast<int>(cut[f].size()) + 1; }
  int missingBin(std::size_t f) const { return bins(f); }
  std::uint16_t at(std::size_t f, std::size_t i) const { return bin[f * rows + i]; }
};

// Threshold between two neighbouring distinct values a < b: their midpoint, as scikit-learn
// chooses, unless float rounding puts it on a (then a would go right).
float between(float a, float b) {
  const float mid = static_cast<float>(0.5 * (static_cast<double>(a) + static_cast<double>(b)));
  return mid > a ? mid : b;
}

/// Stop requests shared by the threads growing trees: one thread at a time asks the observer,
/// at most every kPollEvery, and once it said stop nobody asks again.
class StopPoll {
 public:
  explicit StopPoll(FitObserver* obs) : m_obs(obs) {}
  bool stop() {
    if (m_stop.load(std::memory_order_relaxed)) return true;
    if (!m_obs) return false;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (now - m_last.load(std::memory_order_relaxed) < kPollEvery) return false;
    std::unique_lock lock(m_mutex, std::try_to_lock);
    if (!lock.owns_lock() || m_stop.load()) return m_stop.load();
    m_last.store(now, std::memory_order_relaxed);
    if (m_obs->stopRequested()) m_stop.store(true);
    return m_stop.load();
  }
  /// An unthrottled poll (between batches, from the calling thread).
  bool pollNow() {
    std::lock_guard lock(m_mutex);
    if (!m_stop.load() && m_obs && m_obs->stopRequested()) m_stop.store(true);
    return m_stop.load();
  }

 private:
  static constexpr std::int64_t kPollEvery =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::milliseconds(5))
          .count();
  FitObserver* m_obs;
  std::mutex m_mutex;
  std::atomic<bool> m_stop{false};
  std::atomic<std::int64_t> m_last{0};
};

Binned binMatrix(const RowMatrixF& x, int maxBin, int threads, StopPoll& poll) {
  Binned out;
  out.rows = static_cast<std::size_t>(x.rows());
  const std::size_t nf = static_cast<std::size_t>(x.cols());
  out.cut.resize(nf);
  out.bin.resize(nf * out.rows);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::size_t f = 0; f < nf; ++f) {
    if (poll.stop()) continue;  // the caller sees the stop and throws
    std::vector<float> v;
    v.reserve(out.rows);
    for (std::size_t i = 0; i < out.rows; ++i) {
      const float value = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f));
      if (!std::isnan(value)) v.push_back(value);
    }
    std::sort(v.begin(), v.end());
    std::size_t distinct = v.empty() ? 0 : 1;
    for (std::size_t j = 1; j < v.size(); ++j) distinct += v[j] != v[j - 1] ? 1 : 0;
    std::vector<float>& cut = out.cut[f];
    if (distinct <= static_cast<std::size_t>(maxBin)) {
      for (std::size_t j = 1; j < v.size(); ++j)
        if (v[j] != v[j - 1]) cut.push_back(between(v[j - 1], v[j]));
    } else {  // quantile bins over all values (duplicates count)
      for (int q = 1; q < maxBin; ++q) {
        const std::size_t r = v.size() * static_cast<std::size_t>(q) / maxBin;
        if (r == 0 || v[r - 1] == v[r]) continue;
        const float t = between(v[r - 1], v[r]);
        if (cut.empty() || t > cut.back()) cut.push_back(t);
      }
    }
    const auto missing = static_cast<std::uint16_t>(cut.size() + 1);
    std::uint16_t* col = out.bin.data() + f * out.rows;
    for (std::size_t i = 0; i < out.rows; ++i) {
      const float value = x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f));
      col[i] = std::isnan(value)
                   ? missing
                   : static_cast<std::uint16_t>(std::upper_bound(cut.begin(), cut.end(), value) -
                                                cut.begin());
    }
  }
  return out;
}

/// What one tree needs from the fit, shared read-only by the threads.
struct GrowInput {
  const Binned& data;
  const std::vector<int>& cls;  ///< class per event
  int classes = 2;
  int valuesPerNode = 1;  ///< 1 = binary (signal fraction), else classes
  int maxDepth = 0;       ///< 0 = no limit
  int tryFeatures = 1;    ///< features tried per node (more when they give no split)
  double minChildWeight = 0.0;
};

/// Scratch of one thread, reused from tree to tree.
struct GrowScratch {
  std::vector<std::uint32_t> rows;   ///< drawn events, partitioned node by node
  std::vector<std::uint32_t> count;  ///< times each event was drawn
  std::vector<double> cw;            ///< count × weight per event
  std::vector<double> hist;          ///< [bin][class]
  std::vector<double> left, candidate, bestLeft, total;
  std::vector<std::size_t> order;  ///< feature order of the node
};

struct PendingNode {
  std::int32_t id;
  std::size_t begin, end;
  int depth;
  std::vector<double> classW;  ///< Σ multiplicity × weight per class
};

void setLeafValue(ForestTree& t, std::int32_t id, const std::vector<double>& classW, double w,
                  int valuesPerNode, int signalClass) {
  const std::size_t at = static_cast<std::size_t>(id) * valuesPerNode;
  if (valuesPerNode == 1) {
    t.value[at] = w > 0.0 ? classW[static_cast<std::size_t>(signalClass)] / w : 0.0;
  } else {
    for (int c = 0; c < valuesPerNode; ++c)
      t.value[at + c] = w > 0.0 ? classW[static_cast<std::size_t>(c)] / w : 1.0 / valuesPerNode;
  }
}

std::int32_t addNode(ForestTree& t, const std::vector<double>& classW, int signalClass) {
  const auto id = static_cast<std::int32_t>(t.feature.size());
  t.feature.push_back(-1);
  t.threshold.push_back(0.0f);
  t.missingLeft.push_back(1);
  t.left.push_back(-1);
  t.right.push_back(-1);
  double w = 0.0;
  for (double c : classW) w += c;
  t.weight.push_back(w);
  t.value.resize(t.value.size() + static_cast<std::size_t>(t.valuesPerNode));
  setLeafValue(t, id, classW, w, t.valuesPerNode, signalClass);
  return id;
}

// Σ_c w_c² / W: the Gini gain of a split is this summed over the children minus the parent's.
double purity(const double* classW, int k, double w) {
  if (w <= 0.0) return 0.0;
  double s = 0.0;
  for (int c = 0; c < k; ++c) s += classW[c] * classW[c];
  return s / w;
}

/// Grows one tree on the events with s.cw > 0 listed in s.rows (the caller fills both).
/// Returns false when the stop poll asked to stop.
bool growTree(const GrowInput& in, GrowScratch& s, std::mt19937_64& rng, int signalClass,
              StopPoll& poll, ForestTree& tree) {
  const int k = in.classes;
  const auto ku = static_cast<std::size_t>(k);
  const std::size_t nf = in.data.cut.size();
  tree = ForestTree{};
  tree.valuesPerNode = in.valuesPerNode;
  s.total.assign(ku, 0.0);
  for (std::uint32_t r : s.rows) s.total[static_cast<std::size_t>(in.cls[r])] += s.cw[r];
  std::vector<PendingNode> stack;
  stack.push_back({addNode(tree, s.total, signalClass), 0, s.rows.size(), 0, s.total});
  s.order.resize(nf);
  s.candidate.resize(ku);
  std::vector<double> rightW(ku);

  while (!stack.empty()) {
    if (poll.stop()) return false;
    const PendingNode node = std::move(stack.back());
    stack.pop_back();
    const auto id = static_cast<std::size_t>(node.id);
    const double w = tree.weight[id];
    const std::vector<double>& classW = node.classW;
    int present = 0;
    for (double c : classW) present += c > 0.0 ? 1 : 0;
    if (present < 2 || node.end - node.begin < 2) continue;  // pure or single event: a leaf
    if (in.maxDepth > 0 && node.depth >= in.maxDepth) continue;
    const double parent = purity(classW.data(), k, w);

    std::iota(s.order.begin(), s.order.end(), std::size_t{0});
    int tried = 0;
    bool found = false;
    double bestGain = 1e-12 * w;  // a split must lower the impurity, not tie it
    std::size_t bestF = 0;
    int bestBin = 0;
    bool bestMissingLeft = true;
    for (std::size_t j = 0; j < nf; ++j) {
      if (tried >= in.tryFeatures && found) break;
      std::uniform_int_distribution<std::size_t> pick(j, nf - 1);
      std::swap(s.order[j], s.order[pick(rng)]);
      const std::size_t f = s.order[j];
      const int nb = in.data.bins(f);
      if (nb < 2) continue;  // constant over the whole training set
      s.hist.assign(static_cast<std::size_t>(nb + 1) * ku, 0.0);
      const std::uint16_t* col = in.data.bin.data() + f * in.data.rows;
      int lo = nb, hi = -1;
      for (std::size_t r = node.begin; r < node.end; ++r) {
        const std::uint32_t e = s.rows[r];
        const int b = col[e];
        s.hist[static_cast<std::size_t>(b) * ku + static_cast<std::size_t>(in.cls[e])] += s.cw[e];
        if (b < nb) {
          lo = std::min(lo, b);
          hi = std::max(hi, b);
        }
      }
      const double* miss = s.hist.data() + static_cast<std::size_t>(nb) * ku;
      double missW = 0.0;
      for (std::size_t c = 0; c < ku; ++c) missW += miss[c];
      if (hi <= lo && missW <= 0.0) continue;  // constant in this node: not a tried feature
      ++tried;
      s.left.assign(ku, 0.0);
      double leftW = 0.0;
      // Split before bin b (values < cut[b − 1] go left), missing to either side.
      for (int b = lo + 1; b <= hi + (missW > 0.0 ? 1 : 0) && b <= nb; ++b) {
        const double* h = s.hist.data() + static_cast<std::size_t>(b - 1) * ku;
        for (std::size_t c = 0; c < ku; ++c) {
          s.left[c] += h[c];
          leftW += h[c];
        }
        for (int missingLeft = 0; missingLeft < 2; ++missingLeft) {
          if (missW <= 0.0 && missingLeft == 0) continue;
          double* lc = s.candidate.data();
          for (std::size_t c = 0; c < ku; ++c) {
            lc[c] = s.left[c] + (missingLeft ? miss[c] : 0.0);
            rightW[c] = classW[c] - lc[c];
          }
          const double lw = leftW + (missingLeft ? missW : 0.0);
          const double rw = w - lw;
          if (lw <= 0.0 || rw <= 0.0 || lw < in.minChildWeight || rw < in.minChildWeight) continue;
          const double gain = purity(lc, k, lw) + purity(rightW.data(), k, rw) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = b;
            bestMissingLeft = missingLeft == 1;
            s.bestLeft.assign(lc, lc + ku);
            found = true;
          }
        }
      }
    }
    if (!found) continue;

    const std::uint16_t* col = in.data.bin.data() + bestF * in.data.rows;
    const int missing = in.data.missingBin(bestF);
    auto goesLeft = [&](std::uint32_t e) {
      const int b = col[e];
      return b == missing ? bestMissingLeft : b < bestBin;
    };
    const auto mid = static_cast<std::size_t>(
        std::partition(s.rows.begin() + static_cast<std::ptrdiff_t>(node.begin),
                       s.rows.begin() + static_cast<std::ptrdiff_t>(node.end), goesLeft) -
        s.rows.begin());
    for (std::size_t c = 0; c < ku; ++c) rightW[c] = classW[c] - s.bestLeft[c];
    const std::int32_t l = addNode(tree, s.bestLeft, signalClass);
    const std::int32_t r = addNode(tree, rightW, signalClass);
    tree.feature[id] = static_cast<std::int32_t>(bestF);
    tree.threshold[id] = bestBin <= static_cast<int>(in.data.cut[bestF].size())
                             ? in.data.cut[bestF][static_cast<std::size_t>(bestBin - 1)]
                             : std::numeric_limits<float>::infinity();
    tree.missingLeft[id] = bestMissingLeft ? 1 : 0;
    tree.left[id] = l;
    tree.right[id] = r;
    stack.push_back({r, mid, node.end, node.depth + 1, rightW});
    stack.push_back({l, node.begin, mid, node.depth + 1, s.bestLeft});
  }
  return true;
}

/// The leaf an event lands in.
std::size_t leafOf(const ForestTree& t, const float* x) {
  std::size_t n = 0;
  while (t.feature[n] >= 0) {
    const float v = x[t.feature[n]];
    const bool left = std::isnan(v) ? t.missingLeft[n] != 0 : v < t.threshold[n];
    n = static_cast<std::size_t>(left ? t.left[n] : t.right[n]);
  }
  return n;
}

/// Adds trees [from, to)'s leaf values of every row of x to sum (rows × valuesPerNode).
void accumulate(const std::vector<ForestTree>& trees, std::size_t from, std::size_t to,
                const RowMatrixF& x, int valuesPerNode, int threads, std::vector<double>& sum) {
  const auto rows = static_cast<std::ptrdiff_t>(x.rows());
  const auto v = static_cast<std::size_t>(valuesPerNode);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::ptrdiff_t i = 0; i < rows; ++i) {
    const float* row = x.data() + i * x.cols();
    double* out = sum.data() + static_cast<std::size_t>(i) * v;
    for (std::size_t t = from; t < to; ++t) {
      const std::size_t leaf = leafOf(trees[t], row);
      for (std::size_t c = 0; c < v; ++c) out[c] += trees[t].value[leaf * v + c];
    }
  }
}

}  // namespace

ForestParams ForestParams::defaults(bool balanced) {
  ForestParams p;
  p.balanced = balanced;
  if (balanced) p.maxDepth = 0;
  return p;
}

nlohmann::json ForestParams::toJson() const {
  return {{"trees", trees},
          {"max_depth", maxDepth},
          {"max_features", maxFeatures},
          {"min_child_weight", minChildWeight},
          {"bootstrap", bootstrap},
          {"class_weight", classWeightBalanced ? "balanced" : "none"},
          {"max_bin", maxBin},
          {"batch_size", batchSize}};
}

ForestParams ForestParams::fromJson(const nlohmann::json& j, bool balanced) {
  const std::string model = balanced ? "balanced_random_forest" : "random_forest";
  xgb::checkKeys(j,
                 {"trees", "max_depth", "max_features", "min_child_weight", "bootstrap",
                  "class_weight", "max_bin", "batch_size"},
                 model);
  ForestParams p = defaults(balanced);
  p.trees = xgb::value(j, "trees", p.trees);
  p.maxDepth = xgb::value(j, "max_depth", p.maxDepth);
  p.maxFeatures = xgb::value(j, "max_features", p.maxFeatures);
  p.minChildWeight = xgb::value(j, "min_child_weight", p.minChildWeight);
  p.bootstrap = xgb::value(j, "bootstrap", p.bootstrap);
  const std::string cw = xgb::value(j, "class_weight", std::string("none"));
  if (cw != "none" && cw != "balanced")
    throw Error(model + ": class_weight must be \"none\" or \"balanced\", not \"" + cw + "\"");
  p.classWeightBalanced = cw == "balanced";
  p.maxBin = xgb::value(j, "max_bin", p.maxBin);
  p.batchSize = xgb::value(j, "batch_size", p.batchSize);
  p.validate();
  return p;
}

void ForestParams::validate() const {
  const std::string model = balanced ? "balanced_random_forest: " : "random_forest: ";
  if (trees < 1) throw Error(model + "trees must be at least 1");
  if (maxDepth < 0) throw Error(model + "max_depth must be ≥ 0 (0 = no limit)");
  if (!(maxFeatures >= 0.0 && maxFeatures <= 1.0))
    throw Error(model + "max_features is a fraction in [0, 1] (0 = √F / F)");
  if (minChildWeight < 0.0) throw Error(model + "min_child_weight must be ≥ 0");
  if (maxBin < 2) throw Error(model + "max_bin must be at least 2");
  if (maxBin > 65534) throw Error(model + "max_bin must be at most 65534");
  if (batchSize < 1) throw Error(model + "batch_size must be at least 1");
}

std::unique_ptr<Model> makeForestModel(const nlohmann::json& spec) {
  const std::string kind = spec.value("kind", std::string("random_forest"));
  if (kind != "random_forest" && kind != "balanced_random_forest")
    throw Error("makeForestModel: unknown kind '" + kind + "'");
  return std::make_unique<ForestModel>(
      ForestParams::fromJson(spec, kind == "balanced_random_forest"));
}

// ---------------------------------------------------------------------------------------------
ForestModel::ForestModel(ForestParams params) : m_params(params) {
  m_params.validate();
}

nlohmann::json ForestModel::config() const {
  auto j = m_params.toJson();
  j["kind"] = kind();
  return j;
}

void ForestModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  const std::string name = kind();
  const std::size_t n = train.rows();
  if (n == 0) throw Error(name + ": the training set is empty");
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw Error(name + ": more than 2^32 training events");
  learn_util::requireNonNegativeWeights(name, train.weight);
  if (!train.weight.empty() && train.weight.size() != n)
    throw Error(name + ": training weights and events differ in number");
  const FeatureMatrix* val = ctx.validation;
  if (val && val->rows() == 0) val = nullptr;
  if (val && val->cols() != train.cols())
    throw Error(name + ": the validation set has a different number of features");
  const int k = xgb::classCount(train);
  const bool binary = k == 2;
  const auto ku = static_cast<std::size_t>(k);
  m_numClasses = k;
  m_signalClass = train.signalClass;
  m_classNames = train.classNames;
  m_featureNames = train.featureNames;
  m_threads = std::max(1, ctx.threads);
  m_samples.clear();
  m_trees.clear();
  FitObserver* obs = ctx.observer;
  StopPoll poll(obs);
  if (poll.pollNow()) throw Cancelled();

  // Class of each event as the trees see it (binary: 1 = signal) and the training weights.
  std::vector<int> cls(n);
  for (std::size_t i = 0; i < n; ++i)
    cls[i] = binary ? (train.isSignal(i) ? 1 : 0) : train.label[i];
  std::vector<double> w =
      train.weight.empty() ? std::vector<double>(n, 1.0) : xgb::normalisedWeights(train.weight);
  std::vector<std::vector<std::uint32_t>> members(ku);
  for (std::size_t i = 0; i < n; ++i)
    members[static_cast<std::size_t>(cls[i])].push_back(static_cast<std::uint32_t>(i));
  if (m_params.classWeightBalanced) {
    std::vector<double> total(ku, 0.0);
    for (std::size_t i = 0; i < n; ++i) total[static_cast<std::size_t>(cls[i])] += std::abs(w[i]);
    int present = 0;
    for (double t : total) present += t > 0.0 ? 1 : 0;
    for (std::size_t i = 0; i < n; ++i)
      w[i] *= static_cast<double>(n) / present / total[static_cast<std::size_t>(cls[i])];
  }
  std::size_t minority = std::numeric_limits<std::size_t>::max();
  for (const auto& m : members)
    if (!m.empty()) minority = std::min(minority, m.size());

  const Binned data = binMatrix(train.x, m_params.maxBin, m_threads, poll);
  if (poll.pollNow()) throw Cancelled();
  const std::size_t nf = static_cast<std::size_t>(train.cols());
  const double mtry = m_params.maxFeatures > 0.0
                          ? m_params.maxFeatures * static_cast<double>(nf)
                          : std::max(1.0, std::floor(std::sqrt(static_cast<double>(nf))));
  GrowInput in{data,
               cls,
               k,
               binary ? 1 : k,
               m_params.maxDepth,
               std::max(1, static_cast<int>(std::floor(mtry + 1e-9))),
               m_params.minChildWeight};
  // The tree's leaf values are about the signal class in the binary case: class 1 here.
  const int leafClass = binary ? 1 : 0;

  const int nTrees = m_params.trees;
  m_trees.resize(static_cast<std::size_t>(nTrees));
  m_samples.resize(static_cast<std::size_t>(nTrees));
  std::vector<GrowScratch> scratch(static_cast<std::size_t>(m_threads));
  std::vector<double> valSum;
  if (val) valSum.assign(val->rows() * static_cast<std::size_t>(in.valuesPerNode), 0.0);

  // One tree: its own generator (so the forest does not depend on which thread grew it),
  // its draw, then its growth. Returns false when stopped.
  auto oneTree = [&](int t, GrowScratch& s) {
    std::mt19937_64 rng(mix(ctx.seed ^ mix(static_cast<std::uint64_t>(t) + 1)));
    s.count.assign(n, 0);
    auto draw = [&](std::uint32_t i) { ++s.count[i]; };
    if (m_params.balanced) {
      // Each class down to the minority class's size (without replacement), then an optional
      // bootstrap of the balanced set, as imbalanced-learn's BalancedRandomForest does.
      std::vector<std::uint32_t> chosen, pool;
      for (const auto& m : members) {
        if (m.empty()) continue;
        pool = m;
        for (std::size_t j = 0; j < minority; ++j) {
          std::uniform_int_distribution<std::size_t> pick(j, pool.size() - 1);
          std::swap(pool[j], pool[pick(rng)]);
          chosen.push_back(pool[j]);
        }
      }
      if (m_params.bootstrap) {
        std::uniform_int_distribution<std::size_t> pick(0, chosen.size() - 1);
        for (std::size_t j = 0; j < chosen.size(); ++j) draw(chosen[pick(rng)]);
      } else {
        for (std::uint32_t i : chosen) draw(i);
      }
    } else if (m_params.bootstrap) {
      std::uniform_int_distribution<std::size_t> pick(0, n - 1);
      for (std::size_t j = 0; j < n; ++j) draw(static_cast<std::uint32_t>(pick(rng)));
    } else {
      for (std::size_t i = 0; i < n; ++i) draw(static_cast<std::uint32_t>(i));
    }
    ForestTreeSample sample{std::vector<std::size_t>(ku, 0), std::vector<std::size_t>(ku, 0),
                            std::vector<double>(ku, 0.0)};
    s.rows.clear();
    s.cw.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      s.cw[i] = s.count[i] * w[i];
      if (s.count[i] == 0) continue;
      const auto c = static_cast<std::size_t>(cls[i]);
      sample.draws[c] += s.count[i];
      sample.distinct[c] += 1;
      sample.weight[c] += s.cw[i];
      s.rows.push_back(static_cast<std::uint32_t>(i));
    }
    m_samples[static_cast<std::size_t>(t)] = std::move(sample);
    return growTree(in, s, rng, leafClass, poll, m_trees[static_cast<std::size_t>(t)]);
  };

  for (int first = 0; first < nTrees; first += m_params.batchSize) {
    const int last = std::min(nTrees, first + m_params.batchSize);
    std::atomic<int> next{first};
    std::atomic<bool> stopped{false};
#pragma omp parallel num_threads(m_threads)
    {
      GrowScratch& s = scratch[static_cast<std::size_t>(omp_get_thread_num())];
      for (int t = next++; t < last && !stopped.load(); t = next++)
        if (!oneTree(t, s)) stopped = true;
    }
    if (stopped || poll.pollNow()) throw Cancelled();
    if (obs) obs->progress(static_cast<double>(last) / nTrees, "growing trees");
    if (obs) {
      Checkpoint cp;
      cp.iteration = last;
      cp.trainLoss = std::numeric_limits<double>::quiet_NaN();
      cp.validationLoss = std::numeric_limits<double>::quiet_NaN();
      if (val) {
        accumulate(m_trees, static_cast<std::size_t>(first), static_cast<std::size_t>(last), val->x,
                   in.valuesPerNode, m_threads, valSum);
        const std::size_t nv = val->rows();
        cp.validationScores.resize(nv);
        double loss = 0.0, wsum = 0.0;
        for (std::size_t i = 0; i < nv; ++i) {
          const double p = binary ? valSum[i] / last
                                  : valSum[i * ku + static_cast<std::size_t>(m_signalClass)] / last;
          cp.validationScores[i] = p;
          const double vw = val->weight.empty() ? 1.0 : val->weight[i];
          const double pt = val->isSignal(i) ? p : 1.0 - p;
          if (binary) loss -= vw * std::log(std::clamp(pt, 1e-7, 1.0));
          wsum += vw;
        }
        if (binary && wsum != 0.0) cp.validationLoss = loss / wsum;
      }
      obs->checkpoint(cp);
    }
  }
}

std::vector<double> ForestModel::predictProba(const RowMatrixF& x) const {
  if (m_trees.empty()) throw Error(kind() + ": the model is not trained");
  learn_util::checkFeatureCount(kind(), m_featureNames, x);
  const int v = m_numClasses == 2 ? 1 : m_numClasses;
  std::vector<double> sum(static_cast<std::size_t>(x.rows()) * static_cast<std::size_t>(v), 0.0);
  accumulate(m_trees, 0, m_trees.size(), x, v, m_threads, sum);
  const double inv = 1.0 / static_cast<double>(m_trees.size());
  for (double& p : sum) p *= inv;
  return sum;
}

std::vector<double> ForestModel::predict(const RowMatrixF& x) const {
  return learn_util::signalColumn(predictProba(x), m_numClasses, m_signalClass);
}

void ForestModel::save(const std::string& path) const {
  if (m_trees.empty()) throw Error(kind() + ": cannot save an untrained model");
  nlohmann::json file = {{kFormatKey, kind()},
                         {"format_version", kFormatVersion},
                         {"config", m_params.toJson()},
                         {"num_classes", m_numClasses},
                         {"signal_class", m_signalClass},
                         {"class_names", m_classNames},
                         {"feature_names", m_featureNames}};
  nlohmann::json trees = nlohmann::json::array();
  for (const ForestTree& t : m_trees)
    trees.push_back({{"feature", t.feature},
                     {"threshold", t.threshold},
                     {"missing_left", t.missingLeft},
                     {"left", t.left},
                     {"right", t.right},
                     {"weight", t.weight},
                     {"value", t.value},
                     {"values_per_node", t.valuesPerNode}});
  file["trees"] = std::move(trees);
  if (xgb::pathWantsJson(path)) {
    xgb::writeFileBytes(path, file.dump());
  } else {
    const std::vector<std::uint8_t> bytes = nlohmann::json::to_ubjson(file);
    xgb::writeFileBytes(path, std::string(bytes.begin(), bytes.end()));
  }
}

std::unique_ptr<ForestModel> ForestModel::fromJson(const nlohmann::json& file) {
  try {
    const std::string kind = file.at(kFormatKey);
    if (kind != "random_forest" && kind != "balanced_random_forest")
      throw Error("the model file holds a '" + kind + "', not a random forest");
    if (file.at("format_version").get<int>() > kFormatVersion)
      throw Error("the forest file was written by a newer Imbalance Workbench (format " +
                  file.at("format_version").dump() + ")");
    auto model = std::make_unique<ForestModel>(
        ForestParams::fromJson(file.at("config"), kind == "balanced_random_forest"));
    model->m_numClasses = file.at("num_classes");
    model->m_signalClass = file.at("signal_class");
    model->m_classNames = file.at("class_names").get<std::vector<std::string>>();
    model->m_featureNames = file.at("feature_names").get<std::vector<std::string>>();
    const auto nf = static_cast<std::int32_t>(model->m_featureNames.size());
    for (const auto& j : file.at("trees")) {
      ForestTree t;
      t.feature = j.at("feature").get<std::vector<std::int32_t>>();
      t.threshold = j.at("threshold").get<std::vector<float>>();
      t.missingLeft = j.at("missing_left").get<std::vector<std::uint8_t>>();
      t.left = j.at("left").get<std::vector<std::int32_t>>();
      t.right = j.at("right").get<std::vector<std::int32_t>>();
      t.weight = j.at("weight").get<std::vector<double>>();
      t.value = j.at("value").get<std::vector<double>>();
      t.valuesPerNode = j.at("values_per_node");
      // A damaged file must not send prediction out of bounds or into a loop: children come
      // after their parent, features exist, every array has one entry per node.
      const std::size_t nodes = t.feature.size();
      bool ok = nodes > 0 && t.threshold.size() == nodes && t.missingLeft.size() == nodes &&
                t.left.size() == nodes && t.right.size() == nodes && t.weight.size() == nodes &&
                t.valuesPerNode >= 1 &&
                t.value.size() == nodes * static_cast<std::size_t>(t.valuesPerNode);
      for (std::size_t i = 0; ok && i < nodes; ++i) {
        if (t.feature[i] < 0) continue;
        ok = t.feature[i] < nf && t.left[i] > static_cast<std::int32_t>(i) &&
             t.right[i] > static_cast<std::int32_t>(i) &&
             static_cast<std::size_t>(t.left[i]) < nodes &&
             static_cast<std::size_t>(t.right[i]) < nodes;
      }
      if (!ok) throw Error("tree " + std::to_string(model->m_trees.size()) + " is damaged");
      model->m_trees.push_back(std::move(t));
    }
    if (model->m_trees.empty()) throw Error("the forest has no trees");
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("not a forest file of Imbalance Workbench: ") + plainJsonMessage(e));
  }
}

std::unique_ptr<ForestModel> ForestModel::load(const std::string& path) {
  const nlohmann::json j = xgb::parseJsonOrUbjson(xgb::readFileBytes(path));
  if (j.is_discarded() || !j.is_object() || !j.contains(kFormatKey))
    throw Error("'" + path + "' is not a forest model of Imbalance Workbench");
  return fromJson(j);
}

}  // namespace imbw
