#include "core/unsup/bump_hunt.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/util/error.h"

namespace imbw {

BumpHunt bumpHunt(std::span<const double> resonance, std::span<const double> score,
                  std::span<const double> weight, std::span<const std::uint8_t> isSignal,
                  std::span<const double> efficiencies, int bins, double lo, double hi) {
  const std::size_t n = resonance.size();
  if (score.size() != n || (!weight.empty() && weight.size() != n) ||
      (!isSignal.empty() && isSignal.size() != n))
    throw Error("bump hunt: the resonance variable, scores, weights and truth differ in length");
  if (bins < 1) throw Error("bump hunt: need at least one bin");
  if (!(hi > lo)) throw Error("bump hunt: the histogram's upper edge must be above its lower edge");
  for (double e : efficiencies)
    if (!(e > 0.0 && e <= 1.0))
      throw Error("bump hunt: efficiency " + std::to_string(e) + " is not in (0, 1]");
  auto w = [&](std::size_t i) { return weight.empty() ? 1.0 : weight[i]; };
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(score[i]))
      throw Error("bump hunt: event " + std::to_string(i) + " has no score (NaN)");
    total += w(i);
  }
  if (!(total > 0.0)) throw Error("bump hunt: the events' total weight is not positive");
  const bool truth = !isSignal.empty();
  const auto nb = static_cast<std::size_t>(bins);
  BumpHunt out;
  out.edges.resize(nb + 1);
  for (std::size_t b = 0; b <= nb; ++b) out.edges[b] = lo + (hi - lo) * double(b) / double(nb);
  auto binOf = [&](double m) -> long {
    if (!(m >= lo && m < hi)) return -1;
    return std::min<long>(static_cast<long>((m - lo) / (hi - lo) * bins), bins - 1);
  };
  auto fill = [&](const std::vector<std::uint8_t>* pass, std::vector<double>& all,
                  std::vector<double>& sig, std::vector<double>& bkg) {
    all.assign(nb, 0.0);
    if (truth) {
      sig.assign(nb, 0.0);
      bkg.assign(nb, 0.0);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (pass && !(*pass)[i]) continue;
      const long b = binOf(resonance[i]);
      if (b < 0) continue;
      all[b] += w(i);
      if (truth) (isSignal[i] ? sig : bkg)[b] += w(i);
    }
  };
  fill(nullptr, out.all, out.signal, out.background);
  const std::vector<double>& shape = truth ? out.background : out.all;
  const double shapeSum = std::accumulate(shape.begin(), shape.end(), 0.0);

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  for (double eff : efficiencies) {
    BumpHuntCut c;
    c.targetEfficiency = eff;
    // Walk down the scores until the kept weight reaches eff · total; the threshold is the
    // score there, and every event tied with it passes too.
    double kept = 0.0;
    std::size_t k = 0;
    while (k < n && kept < eff * total) kept += w(order[k++]);
    c.threshold = score[order[k == 0 ? 0 : k - 1]];
    std::vector<std::uint8_t> pass(n, 0);
    double passed = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      if (score[i] >= c.threshold) {
        pass[i] = 1;
        passed += w(i);
      }
    c.efficiency = passed / total;
    fill(&pass, c.all, c.signal, c.background);
    const double after = std::accumulate(c.all.begin(), c.all.end(), 0.0);
    c.referenceShape.assign(nb, 0.0);
    if (shapeSum != 0.0)
      for (std::size_t b = 0; b < nb; ++b) c.referenceShape[b] = shape[b] / shapeSum * after;
    out.cuts.push_back(std::move(c));
  }
  return out;
}

}  // namespace imbw

namespace imbw {

double poissonSignificance(double n, double mu) {
  if (!(mu > 0.0)) return 0.0;
  const double q = n > 0.0 ? 2.0 * (n * std::log(n / mu) - (n - mu)) : 2.0 * mu;
  const double z = std::sqrt(std::max(q, 0.0));
  return n >= mu ? z : -z;
}

SidebandFit fitSidebands(std::span<const double> edges, std::span<const double> counts, double lo,
                         double hi, double width) {
  if (edges.size() != counts.size() + 1 || counts.empty())
    throw Error("sideband fit: a histogram needs one more edge than bins");
  if (!(hi > lo) || !(width > 0.0))
    throw Error("sideband fit: the window needs hi > lo and sidebands of positive width");
  const std::size_t nb = counts.size();
  std::vector<double> centre(nb);
  for (std::size_t k = 0; k < nb; ++k) {
    centre[k] = 0.5 * (edges[k] + edges[k + 1]);
    if (!(centre[k] > 0.0))
      throw Error("sideband fit: bin centre " + std::to_string(centre[k]) +
                  " is not positive (a power law needs m > 0)");
  }
  // Poisson maximum likelihood of μ_k = exp(a + b·x_k), x_k = ln(m_k / m_0), over the sideband
  // bins (empty ones included: after a hard cut most bins hold a few events or none, and a
  // least-squares fit to ln n would have to drop the empty ones and rise). Started from the
  // flat spectrum at the mean count; Newton steps on the concave log-likelihood.
  SidebandFit f;
  std::vector<double> x, n;
  double m0 = 0.0;
  for (std::size_t k = 0; k < nb; ++k) {
    const double m = centre[k];
    const bool side = (m >= lo - width && m < lo) || (m > hi && m <= hi + width);
    if (!side) continue;
    x.push_back(m);
    n.push_back(std::max(counts[k], 0.0));
    if (counts[k] > 0.0) ++f.sidebandBins;
  }
  double total = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    m0 += x[k];
    total += n[k];
  }
  if (f.sidebandBins < 2)
    throw Error("sideband fit: " + std::to_string(f.sidebandBins) +
                " sideband bins have events; the fit needs at least two (widen the sidebands or "
                "the histogram)");
  m0 /= static_cast<double>(x.size());  // centring keeps the 2×2 system well conditioned
  for (double& v : x) v = std::log(v / m0);
  double a = std::log(total / static_cast<double>(x.size())), b = 0.0;
  for (int it = 0; it < 100; ++it) {
    double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double mu = std::exp(a + b * x[k]);
      g0 += n[k] - mu;
      g1 += (n[k] - mu) * x[k];
      h00 += mu;
      h01 += mu * x[k];
      h11 += mu * x[k] * x[k];
    }
    const double det = h00 * h11 - h01 * h01;
    if (!(det > 0.0)) throw Error("sideband fit: the sideband bins cannot fix a slope");
    const double da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
    // Damped: a long step from the flat start could overflow exp().
    const double scale = std::min(1.0, 2.0 / std::max(std::abs(da), std::abs(db) * 0.2));
    a += scale * da;
    b += scale * db;
    if (std::abs(da) < 1e-12 && std::abs(db) < 1e-12) break;
  }
  f.b = b;
  f.a = a - b * std::log(m0);
  f.curve.resize(nb);
  for (std::size_t k = 0; k < nb; ++k) {
    f.curve[k] = std::exp(f.a + f.b * std::log(centre[k]));
    if (centre[k] >= lo && centre[k] <= hi) {
      f.observed += counts[k];
      f.expected += f.curve[k];
    }
  }
  f.significance = poissonSignificance(f.observed, f.expected);
  return f;
}

}  // namespace imbw
