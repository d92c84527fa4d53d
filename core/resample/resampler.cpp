#include "core/resample/resampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "core/resample/nearest_neighbours.h"
#include "core/resample/random_stream.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// Stream ids keep the draws of different steps and classes apart.
constexpr std::uint64_t kStreamUnder = 1;
constexpr std::uint64_t kStreamOver = 2;
constexpr std::uint64_t kStreamSynthetic = 3;

std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// The resampled fold before its features are materialised: each event is a copy of an input
// row or a synthetic point between two input rows.
struct Draft {
  std::vector<std::int64_t> source, seed, neighbour;
  std::vector<float> gap;
  std::vector<std::int32_t> label;
  std::vector<double> weight;

  std::size_t size() const { return label.size(); }
  void addCopy(std::int64_t src, std::int32_t lab, double w) {
    source.push_back(src);
    seed.push_back(-1);
    neighbour.push_back(-1);
    gap.push_back(0.0f);
    label.push_back(lab);
    weight.push_back(w);
  }
  void addSynthetic(std::int64_t s, std::int64_t nb, float g, std::int32_t lab, double w) {
    source.push_back(-1);
    seed.push_back(s);
    neighbour.push_back(nb);
    gap.push_back(g);
    label.push_back(lab);
    weight.push_back(w);
  }
  void append(const Draft& o, std::size_t i) {
    source.push_back(o.source[i]);
    seed.push_back(o.seed[i]);
    neighbour.push_back(o.neighbour[i]);
    gap.push_back(o.gap[i]);
    label.push_back(o.label[i]);
    weight.push_back(o.weight[i]);
  }
};

class Resampler {
 public:
  Resampler(const FeatureMatrix& in, const ResampleConfig& cfg, std::uint64_t salt)
      : m_in(in), m_cfg(cfg), m_salt(salt), m_k(static_cast<std::size_t>(in.numClasses())) {}

  ResampleResult run();

 private:
  std::string className(std::size_t c) const { return "'" + m_in.classNames[c] + "'"; }
  std::vector<std::size_t> counts() const {
    std::vector<std::size_t> n(m_k, 0);
    for (std::int32_t l : m_d.label) ++n[static_cast<std::size_t>(l)];
    return n;
  }
  std::vector<double> totals() const {
    std::vector<double> t(m_k, 0.0);
    for (std::size_t i = 0; i < m_d.size(); ++i)
      t[static_cast<std::size_t>(m_d.label[i])] += m_d.weight[i];
    return t;
  }
  std::size_t majorityClass(const std::vector<std::size_t>& n) const {
    return static_cast<std::size_t>(std::max_element(n.begin(), n.end()) - n.begin());
  }
  std::size_t minorityClass(const std::vector<std::size_t>& n) const {
    return static_cast<std::size_t>(std::min_element(n.begin(), n.end()) - n.begin());
  }
  RandomStream stream(std::uint64_t step, std::uint64_t item) const {
    return RandomStream(m_cfg.seed + 0x632BE59BD9B4E019ULL * (4 * m_salt + step), item);
  }

  void checkInput() const;
  void applyNegativeWeightPolicy();
  void requireNonEmptyClasses() const;
  void rescaleClasses(const std::vector<double>& wanted, const char* why);
  void setShares(const std::vector<double>& shares);
  void underSample();
  void overSample();
  void computeScaling();
  RowMatrixD standardised(const std::vector<std::size_t>& draftRows) const;
  void synthesise(bool adaptive);
  void tomek(bool removeBoth);
  ResampleResult materialise() const;

  const FeatureMatrix& m_in;
  const ResampleConfig& m_cfg;
  std::uint64_t m_salt;
  std::size_t m_k;
  Draft m_d;
  std::vector<double> m_mean, m_scale;  // standardisation of the fold (unweighted)
  std::size_t m_inputMinority = 0;
};

void Resampler::checkInput() const {
  const std::size_t n = m_in.rows();
  if (m_in.label.size() != n || m_in.weight.size() != n)
    throw Error("resampling: the training fold has " + std::to_string(n) + " rows but " +
                std::to_string(m_in.label.size()) + " labels and " +
                std::to_string(m_in.weight.size()) + " weights");
  if (m_in.numClasses() < 2)
    throw Error("resampling needs at least 2 classes, the training fold names " +
                std::to_string(m_in.numClasses()));
  for (std::size_t i = 0; i < n; ++i) {
    if (m_in.label[i] < 0 || m_in.label[i] >= m_in.numClasses())
      throw Error("resampling: event " + std::to_string(i) + " has class index " +
                  std::to_string(m_in.label[i]) + ", outside 0.." +
                  std::to_string(m_in.numClasses() - 1));
    if (!std::isfinite(m_in.weight[i]))
      throw Error("resampling: event " + std::to_string(i) + " has a non-finite weight");
  }
}

void Resampler::applyNegativeWeightPolicy() {
  for (std::size_t i = 0; i < m_in.rows(); ++i) {
    double w = m_in.weight[i];
    if (w < 0.0) {
      if (m_cfg.negativeWeights == NegativeWeightPolicy::Drop) continue;
      if (m_cfg.negativeWeights == NegativeWeightPolicy::Abs) w = -w;
    }
    m_d.addCopy(static_cast<std::int64_t>(i), m_in.label[i], w);
  }
}

void Resampler::requireNonEmptyClasses() const {
  const auto n = counts();
  for (std::size_t c = 0; c < m_k; ++c) {
    if (n[c] == 0)
      throw Error("class " + className(c) + " has no events in the training fold" +
                  (m_cfg.negativeWeights == NegativeWeightPolicy::Drop
                       ? std::string(" (after dropping negative weights)")
                       : std::string()) +
                  "; " + resampleKindName(m_cfg.kind) + " needs every class");
  }
}

// Scales each class c so its total weight becomes wanted[c] (skipped where wanted is NaN).
void Resampler::rescaleClasses(const std::vector<double>& wanted, const char* why) {
  const auto have = totals();
  std::vector<double> factor(m_k, 1.0);
  for (std::size_t c = 0; c < m_k; ++c) {
    if (std::isnan(wanted[c]) || have[c] == wanted[c]) continue;
    if (!(have[c] > 0.0) || !(wanted[c] > 0.0))
      throw Error("class " + className(c) + " cannot be rescaled " + why +
                  ": its total weight is " + number(have[c]) + " (target " + number(wanted[c]) +
                  "); with many negative weights choose negative_weights = drop or abs");
    factor[c] = wanted[c] / have[c];
  }
  for (std::size_t i = 0; i < m_d.size(); ++i)
    m_d.weight[i] *= factor[static_cast<std::size_t>(m_d.label[i])];
}

// Class totals proportional to `shares`, grand total unchanged.
void Resampler::setShares(const std::vector<double>& shares) {
  const auto have = totals();
  const double grand = std::accumulate(have.begin(), have.end(), 0.0);
  const double shareSum = std::accumulate(shares.begin(), shares.end(), 0.0);
  std::vector<double> wanted(m_k);
  for (std::size_t c = 0; c < m_k; ++c) {
    if (!(have[c] > 0.0))
      throw Error("class " + className(c) + " has total weight " + number(have[c]) +
                  "; class totals can only be balanced when every class's total is positive "
                  "(choose negative_weights = drop or abs)");
    wanted[c] = grand * shares[c] / shareSum;
  }
  rescaleClasses(wanted, "to balance the classes");
}

void Resampler::underSample() {
  const auto n = counts();
  const auto before = totals();
  const std::size_t nMin = n[minorityClass(n)];
  const auto target = std::max<std::size_t>(
      nMin, static_cast<std::size_t>(std::llround(static_cast<double>(nMin) / m_cfg.ratio)));
  // multiplicity[i] = how often draft row i is kept.
  std::vector<std::uint32_t> mult(m_d.size(), 1);
  for (std::size_t c = 0; c < m_k; ++c) {
    if (n[c] <= target) continue;
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < m_d.size(); ++i)
      if (static_cast<std::size_t>(m_d.label[i]) == c) rows.push_back(i);
    for (std::size_t i : rows) mult[i] = 0;
    RandomStream rs = stream(kStreamUnder, c);
    if (m_cfg.replacement) {
      for (std::size_t j = 0; j < target; ++j) ++mult[rows[rs.below(rows.size())]];
    } else {
      // Partial Fisher–Yates: the first `target` entries become a uniform random subset.
      for (std::size_t j = 0; j < target; ++j) {
        const std::size_t r = j + rs.below(rows.size() - j);
        std::swap(rows[j], rows[r]);
        mult[rows[j]] = 1;
      }
    }
  }
  Draft out;
  for (std::size_t i = 0; i < m_d.size(); ++i)
    for (std::uint32_t m = 0; m < mult[i]; ++m) out.append(m_d, i);
  m_d = std::move(out);
  rescaleClasses(before, "after under-sampling");
}

void Resampler::overSample() {
  const auto n = counts();
  const std::size_t nMaj = n[majorityClass(n)];
  const auto target =
      static_cast<std::size_t>(std::llround(m_cfg.ratio * static_cast<double>(nMaj)));
  std::vector<std::uint32_t> copies(m_d.size(), 1);
  std::vector<std::size_t> extra;  // draft rows duplicated, in draw order
  for (std::size_t c = 0; c < m_k; ++c) {
    if (n[c] >= target) continue;
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < m_d.size(); ++i)
      if (static_cast<std::size_t>(m_d.label[i]) == c) rows.push_back(i);
    RandomStream rs = stream(kStreamOver, c);
    for (std::size_t j = n[c]; j < target; ++j) {
      const std::size_t r = rows[rs.below(rows.size())];
      ++copies[r];
      extra.push_back(r);
    }
  }
  // An event copied c times carries w / c on each copy: its total is unchanged.
  for (std::size_t i = 0; i < m_d.size(); ++i) m_d.weight[i] /= copies[i];
  for (std::size_t r : extra) m_d.append(m_d, r);
}

void Resampler::computeScaling() {
  const std::size_t d = m_in.cols();
  m_mean.assign(d, 0.0);
  m_scale.assign(d, 1.0);
  // Only input rows are in the draft at this point (policy applied, nothing synthesised yet).
  std::vector<double> sum(d, 0.0), sum2(d, 0.0);
  for (std::size_t i = 0; i < m_d.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(m_d.source[i]);
    for (std::size_t f = 0; f < d; ++f) {
      const double v = m_in.x(r, static_cast<Eigen::Index>(f));
      if (!std::isfinite(v))
        throw Error(std::string(resampleKindName(m_cfg.kind)) + " needs complete features, but '" +
                    (f < m_in.featureNames.size() ? m_in.featureNames[f] : std::to_string(f)) +
                    "' is " + (std::isnan(v) ? "NaN" : "infinite") + " in event " +
                    std::to_string(r) + " (drop or impute missing values first)");
      sum[f] += v;
    }
  }
  const auto n = static_cast<double>(m_d.size());
  for (std::size_t f = 0; f < d; ++f) m_mean[f] = sum[f] / n;
  for (std::size_t i = 0; i < m_d.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(m_d.source[i]);
    for (std::size_t f = 0; f < d; ++f) {
      const double dv = m_in.x(r, static_cast<Eigen::Index>(f)) - m_mean[f];
      sum2[f] += dv * dv;
    }
  }
  for (std::size_t f = 0; f < d; ++f) {
    const double sd = std::sqrt(sum2[f] / n);  // population std, like sklearn's StandardScaler
    m_scale[f] = sd > 0.0 ? sd : 1.0;
  }
}

// The float features of a draft row, exactly as materialise() writes them.
template <class Out>
void draftFeatures(const FeatureMatrix& in, const Draft& d, std::size_t i, Out&& out) {
  const auto cols = in.x.cols();
  if (d.source[i] >= 0) {
    const auto r = static_cast<Eigen::Index>(d.source[i]);
    for (Eigen::Index f = 0; f < cols; ++f) out(f, in.x(r, f));
  } else {
    const auto s = static_cast<Eigen::Index>(d.seed[i]);
    const auto nb = static_cast<Eigen::Index>(d.neighbour[i]);
    const double g = d.gap[i];
    for (Eigen::Index f = 0; f < cols; ++f) {
      const double a = in.x(s, f);
      out(f, static_cast<float>(a + g * (static_cast<double>(in.x(nb, f)) - a)));
    }
  }
}

RowMatrixD Resampler::standardised(const std::vector<std::size_t>& draftRows) const {
  RowMatrixD z(static_cast<Eigen::Index>(draftRows.size()), m_in.x.cols());
#pragma omp parallel for schedule(static)
  for (std::int64_t j = 0; j < static_cast<std::int64_t>(draftRows.size()); ++j) {
    draftFeatures(m_in, m_d, draftRows[static_cast<std::size_t>(j)], [&](Eigen::Index f, float v) {
      const auto fu = static_cast<std::size_t>(f);
      z(j, f) = (static_cast<double>(v) - m_mean[fu]) / m_scale[fu];
    });
  }
  return z;
}

// SMOTE (adaptive = false) or ADASYN (adaptive = true), imbalanced-learn 0.10's algorithms.
void Resampler::synthesise(bool adaptive) {
  const auto n = counts();
  const auto before = totals();
  const std::size_t nMaj = n[majorityClass(n)];
  const auto target =
      static_cast<std::size_t>(std::llround(m_cfg.ratio * static_cast<double>(nMaj)));
  const auto k = static_cast<std::size_t>(m_cfg.k);
  const char* what = adaptive ? "ADASYN" : "SMOTE";

  std::vector<std::size_t> allRows(m_d.size());
  std::iota(allRows.begin(), allRows.end(), 0);
  std::unique_ptr<RowMatrixD> zAll;
  std::unique_ptr<NearestNeighbours> nnAll;
  const Draft base = m_d;  // synthetics refer to input rows of this draft

  for (std::size_t c = 0; c < m_k; ++c) {
    if (n[c] >= target) continue;
    if (n[c] <= k)
      throw Error(std::string(what) + " with k = " + std::to_string(k) +
                  " needs more than k events in class " + className(c) + ", which has " +
                  std::to_string(n[c]) + "; lower k");
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < base.size(); ++i)
      if (static_cast<std::size_t>(base.label[i]) == c) rows.push_back(i);
    const std::size_t want = target - n[c];

    // How many synthetics each class member seeds (ADASYN) — SMOTE draws seeds uniformly.
    std::vector<std::size_t> perSeed;
    if (adaptive) {
      if (!nnAll) {
        zAll = std::make_unique<RowMatrixD>(standardised(allRows));
        nnAll = std::make_unique<NearestNeighbours>(*zAll);
      }
      std::vector<std::uint32_t> members(rows.begin(), rows.end());
      const auto nnOthers = nnAll->neighboursOf(members, static_cast<int>(k));
      std::vector<double> hardness(rows.size());
      double sum = 0.0;
      for (std::size_t j = 0; j < rows.size(); ++j) {
        std::size_t foreign = 0;
        for (std::size_t q = 0; q < k; ++q)
          if (static_cast<std::size_t>(base.label[nnOthers[j * k + q]]) != c) ++foreign;
        hardness[j] = static_cast<double>(foreign) / static_cast<double>(k);
        sum += hardness[j];
      }
      if (!(sum > 0.0))
        throw Error("ADASYN: no event of class " + className(c) +
                    " has a neighbour from another "
                    "class among its k = " +
                    std::to_string(k) + " nearest; use SMOTE instead");
      perSeed.resize(rows.size());
      std::size_t total = 0;
      for (std::size_t j = 0; j < rows.size(); ++j) {
        // np.rint: round half to even (the default floating-point rounding mode).
        perSeed[j] =
            static_cast<std::size_t>(std::nearbyint(hardness[j] / sum * static_cast<double>(want)));
        total += perSeed[j];
      }
      if (total == 0)
        throw Error("ADASYN: the ratio asks for too few events to place any in class " +
                    className(c));
    }

    const RowMatrixD zc = standardised(rows);
    const NearestNeighbours nnClass(zc);
    const auto nns = nnClass.selfNeighbours(static_cast<int>(k));

    std::vector<std::size_t> seedOf;  // ADASYN: seeds repeated perSeed times, in order
    if (adaptive) {
      for (std::size_t j = 0; j < rows.size(); ++j) seedOf.insert(seedOf.end(), perSeed[j], j);
    }
    const std::size_t m = adaptive ? seedOf.size() : want;
    std::vector<std::size_t> seedRow(m), nbRow(m);
    std::vector<float> gaps(m);
#pragma omp parallel for schedule(static)
    for (std::int64_t jj = 0; jj < static_cast<std::int64_t>(m); ++jj) {
      const auto j = static_cast<std::size_t>(jj);
      RandomStream rs = stream(kStreamSynthetic, (static_cast<std::uint64_t>(c) << 40) + j);
      const std::size_t s = adaptive ? seedOf[j] : static_cast<std::size_t>(rs.below(rows.size()));
      const std::size_t nb = nns[s * k + rs.below(k)];
      seedRow[j] = rows[s];
      nbRow[j] = rows[nb];
      gaps[j] = static_cast<float>(rs.uniform());
    }
    for (std::size_t j = 0; j < m; ++j) {
      // A synthetic event carries its seed's weight; the class is rescaled below.
      m_d.addSynthetic(base.source[seedRow[j]], base.source[nbRow[j]], gaps[j],
                       static_cast<std::int32_t>(c), base.weight[seedRow[j]]);
    }
  }
  std::vector<double> wanted(m_k, std::nan(""));
  const auto after = counts();
  for (std::size_t c = 0; c < m_k; ++c)
    if (after[c] != n[c]) wanted[c] = before[c];
  rescaleClasses(wanted, adaptive ? "after ADASYN" : "after SMOTE");
}

void Resampler::tomek(bool removeBoth) {
  const auto before = totals();
  std::vector<std::size_t> allRows(m_d.size());
  std::iota(allRows.begin(), allRows.end(), 0);
  const RowMatrixD z = standardised(allRows);
  const NearestNeighbours nn(z);
  const auto nn1 = nn.selfNeighbours(1);
  std::vector<char> remove(m_d.size(), 0);
  for (std::size_t i = 0; i < m_d.size(); ++i) {
    const std::size_t j = nn1[i];
    if (m_d.label[i] == m_d.label[j] || nn1[j] != i) continue;  // not a Tomek link
    if (removeBoth || static_cast<std::size_t>(m_d.label[i]) != m_inputMinority) remove[i] = 1;
  }
  Draft out;
  for (std::size_t i = 0; i < m_d.size(); ++i)
    if (!remove[i]) out.append(m_d, i);
  m_d = std::move(out);
  const auto n = counts();
  for (std::size_t c = 0; c < m_k; ++c)
    if (n[c] == 0) throw Error("Tomek-link removal emptied class " + className(c));
  rescaleClasses(before, "after Tomek-link removal");
}

ResampleResult Resampler::materialise() const {
  ResampleResult r;
  r.data.featureNames = m_in.featureNames;
  r.data.classNames = m_in.classNames;
  r.data.signalClass = m_in.signalClass;
  r.data.x.resize(static_cast<Eigen::Index>(m_d.size()), m_in.x.cols());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(m_d.size()); ++i) {
    draftFeatures(m_in, m_d, static_cast<std::size_t>(i),
                  [&](Eigen::Index f, float v) { r.data.x(i, f) = v; });
  }
  r.data.label = m_d.label;
  r.data.weight = m_d.weight;
  r.source = m_d.source;
  r.seed = m_d.seed;
  r.neighbour = m_d.neighbour;
  r.gap = m_d.gap;
  return r;
}

ResampleResult Resampler::run() {
  m_cfg.validate();
  checkInput();
  applyNegativeWeightPolicy();
  if (m_cfg.kind != ResampleKind::None) requireNonEmptyClasses();
  m_inputMinority = minorityClass(counts());
  switch (m_cfg.kind) {
    case ResampleKind::None:
    case ResampleKind::BalancedBagging:  // the ensemble calls balancedBaggingMember() per member
      break;
    case ResampleKind::ClassReweight: {
      const auto n = counts();
      std::vector<double> shares(m_k, m_cfg.ratio);
      shares[majorityClass(n)] = 1.0;
      setShares(shares);
      break;
    }
    case ResampleKind::RandomUnder:
      underSample();
      break;
    case ResampleKind::RandomOver:
      overSample();
      break;
    case ResampleKind::Smote:
    case ResampleKind::Adasyn:
      computeScaling();
      synthesise(m_cfg.kind == ResampleKind::Adasyn);
      break;
    case ResampleKind::Tomek:
      computeScaling();
      tomek(false);
      break;
    case ResampleKind::SmoteTomek:
      computeScaling();
      synthesise(false);
      tomek(true);
      break;
  }
  if (m_cfg.equaliseWeights && m_cfg.kind != ResampleKind::None &&
      m_cfg.kind != ResampleKind::ClassReweight)
    setShares(std::vector<double>(m_k, 1.0));
  return materialise();
}

}  // namespace

std::size_t ResampleResult::numSynthetic() const {
  return static_cast<std::size_t>(std::count(source.begin(), source.end(), -1));
}

ResampleResult resample(const FeatureMatrix& train, const ResampleConfig& config) {
  return Resampler(train, config, 0).run();
}

ResampleResult balancedBaggingMember(const FeatureMatrix& train, const ResampleConfig& config,
                                     int member) {
  if (member < 0) throw Error("balanced bagging: member index must be >= 0");
  ResampleConfig c = config;
  c.kind = ResampleKind::RandomUnder;
  // Salt 1 + member: a different stream per member, none equal to plain resample()'s.
  return Resampler(train, c, 1 + static_cast<std::uint64_t>(member)).run();
}

std::vector<double> classWeightTotals(const FeatureMatrix& m) {
  std::vector<double> t(static_cast<std::size_t>(std::max(0, m.numClasses())), 0.0);
  for (std::size_t i = 0; i < m.label.size(); ++i) {
    const auto c = static_cast<std::size_t>(m.label[i]);
    if (c < t.size()) t[c] += m.weight[i];
  }
  return t;
}

std::vector<std::size_t> classCounts(const FeatureMatrix& m) {
  std::vector<std::size_t> n(static_cast<std::size_t>(std::max(0, m.numClasses())), 0);
  for (std::int32_t l : m.label)
    if (l >= 0 && static_cast<std::size_t>(l) < n.size()) ++n[static_cast<std::size_t>(l)];
  return n;
}

}  // namespace imbw
