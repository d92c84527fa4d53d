#include "core/resample/nearest_neighbours.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nanoflann.hpp>
#include <optional>

#include "core/util/error.h"

namespace imbw {

namespace {

using RowMatrixFl = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// nanoflann's dataset adaptor over a row-major double matrix.
struct MatrixAdaptor {
  const RowMatrixD& m;
  std::size_t kdtree_get_point_count() const { return static_cast<std::size_t>(m.rows()); }
  double kdtree_get_pt(std::size_t idx, std::size_t dim) const {
    return m(static_cast<Eigen::Index>(idx), static_cast<Eigen::Index>(dim));
  }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};

using Tree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, MatrixAdaptor>,
                                        MatrixAdaptor, -1, std::uint32_t>;

constexpr Eigen::Index kQueryBlock = 256;
constexpr Eigen::Index kPointBlock = 2048;
constexpr Eigen::Index kScanChunk = 64;
constexpr std::size_t kExtraCandidates = 8;  // re-ranked exactly beyond the k wanted

struct Candidate {
  double dist;
  std::uint32_t index;
  bool operator<(const Candidate& o) const {
    return dist < o.dist || (dist == o.dist && index < o.index);
  }
};

double exactDist2(const RowMatrixD& p, Eigen::Index a, const double* q) {
  double s = 0.0;
  for (Eigen::Index f = 0; f < p.cols(); ++f) {
    const double d = p(a, f) - q[f];
    s += d * d;
  }
  return s;
}

}  // namespace

struct NearestNeighbours::Impl {
  const RowMatrixD& points;
  Method method;
  std::optional<MatrixAdaptor> adaptor;
  std::unique_ptr<Tree> tree;
  RowMatrixFl pAug;      // float [−2p, |p|²]: one GEMM then gives |p|² − 2 q·p
  double maxNorm = 0.0;  // max |p| (error bound)

  Impl(const RowMatrixD& p, Method m) : points(p), method(m) {
    if (method == Method::Auto) {
      // Brute force costs n² d; a KD-tree only wins when the dimension is low. Above ~12
      // dimensions a KD-tree on spread-out data visits most leaves anyway.
      method =
          (p.cols() <= 8 || (p.cols() <= 12 && p.rows() > 50000)) ? Method::KdTree : Method::Brute;
    }
    if (method == Method::KdTree) {
      adaptor.emplace(MatrixAdaptor{p});
      tree = std::make_unique<Tree>(static_cast<int>(p.cols()), *adaptor,
                                    nanoflann::KDTreeSingleIndexAdaptorParams(16));
    } else {
      pAug.resize(p.rows(), p.cols() + 1);
      pAug.leftCols(p.cols()) = -2.0f * p.cast<float>();
      pAug.col(p.cols()) = p.rowwise().squaredNorm().cast<float>();
      for (Eigen::Index i = 0; i < p.rows(); ++i) maxNorm = std::max(maxNorm, p.row(i).norm());
    }
  }

  // k nearest (self excluded when `self` ≥ 0) of each query; queries are rows of `q`.
  void search(const RowMatrixD& q, const std::vector<std::int64_t>& self, std::size_t k,
              std::uint32_t* out) const {
    if (method == Method::KdTree)
      searchTree(q, self, k, out);
    else
      searchBrute(q, self, k, out);
  }

  void searchTree(const RowMatrixD& q, const std::vector<std::int64_t>& self, std::size_t k,
                  std::uint32_t* out) const {
    const auto nq = static_cast<std::int64_t>(q.rows());
#pragma omp parallel
    {
      std::vector<std::uint32_t> idx(k + 1);
      std::vector<double> dist(k + 1);
#pragma omp for schedule(dynamic, 256)
      for (std::int64_t i = 0; i < nq; ++i) {
        const std::int64_t s = self[static_cast<std::size_t>(i)];
        const std::size_t want = s >= 0 ? k + 1 : k;
        const std::size_t found = tree->knnSearch(q.row(i).data(), want, idx.data(), dist.data());
        std::size_t w = 0;
        for (std::size_t j = 0; j < found && w < k; ++j) {
          if (static_cast<std::int64_t>(idx[j]) == s) continue;
          out[static_cast<std::size_t>(i) * k + w++] = idx[j];
        }
      }
    }
  }

  void searchBrute(const RowMatrixD& q, const std::vector<std::int64_t>& self, std::size_t k,
                   std::uint32_t* out) const {
    const Eigen::Index n = points.rows();
    const Eigen::Index nq = q.rows();
    const std::size_t keep =
        std::min<std::size_t>(k + 1 + kExtraCandidates, static_cast<std::size_t>(n));
    const Eigen::Index numBlocks = (nq + kQueryBlock - 1) / kQueryBlock;
    const float inf = std::numeric_limits<float>::infinity();
    const double epsF = std::numeric_limits<float>::epsilon();
#pragma omp parallel
    {
      RowMatrixFl dots;
      std::vector<float> candD;
      std::vector<std::uint32_t> candI;
      std::vector<Candidate> exact;
#pragma omp for schedule(dynamic, 1)
      for (Eigen::Index b = 0; b < numBlocks; ++b) {
        const Eigen::Index q0 = b * kQueryBlock;
        const Eigen::Index qn = std::min(kQueryBlock, nq - q0);
        RowMatrixFl qAug(qn, q.cols() + 1);
        qAug.leftCols(q.cols()) = q.middleRows(q0, qn).cast<float>();
        qAug.col(q.cols()).setOnes();
        const Eigen::VectorXf qNorm = qAug.leftCols(q.cols()).rowwise().squaredNorm();
        // Per query: a sorted list of the `keep` smallest float distances (ascending).
        candD.assign(static_cast<std::size_t>(qn) * keep, inf);
        candI.assign(static_cast<std::size_t>(qn) * keep, 0);
        for (Eigen::Index p0 = 0; p0 < n; p0 += kPointBlock) {
          const Eigen::Index pn = std::min(kPointBlock, n - p0);
          dots.noalias() = qAug * pAug.middleRows(p0, pn).transpose();
          for (Eigen::Index r = 0; r < qn; ++r) {
            float* cd = candD.data() + static_cast<std::size_t>(r) * keep;
            std::uint32_t* ci = candI.data() + static_cast<std::size_t>(r) * keep;
            float worst = cd[keep - 1];
            const float qq = qNorm[r];
            const float* drow = dots.data() + r * pn;
            for (Eigen::Index c0 = 0; c0 < pn; c0 += kScanChunk) {
              const Eigen::Index c1 = std::min(pn, c0 + kScanChunk);
              // Vectorisable pre-check: most chunks hold nothing closer than the current worst.
              const float threshold = worst - qq;
              int below = 0;
              for (Eigen::Index c = c0; c < c1; ++c) below += drow[c] < threshold ? 1 : 0;
              if (below == 0) continue;
              for (Eigen::Index c = c0; c < c1; ++c) {
                const float d2 = qq + drow[c];
                if (d2 < worst) {
                  std::size_t pos = keep - 1;
                  while (pos > 0 && cd[pos - 1] > d2) {
                    cd[pos] = cd[pos - 1];
                    ci[pos] = ci[pos - 1];
                    --pos;
                  }
                  cd[pos] = d2;
                  ci[pos] = static_cast<std::uint32_t>(p0 + c);
                  worst = cd[keep - 1];
                }
              }
            }
          }
        }
        for (Eigen::Index r = 0; r < qn; ++r) {
          const Eigen::Index qi = q0 + r;
          const std::int64_t s = self[static_cast<std::size_t>(qi)];
          const double* qrow = q.row(qi).data();
          exact.clear();
          for (std::size_t j = 0; j < keep; ++j) {
            const std::uint32_t idx = candI[static_cast<std::size_t>(r) * keep + j];
            if (static_cast<std::int64_t>(idx) == s) continue;
            exact.push_back({exactDist2(points, idx, qrow), idx});
          }
          std::sort(exact.begin(), exact.end());
          // Any point left out has float distance ≥ the last candidate's; its exact distance
          // is at least that minus the float rounding bound. If that could undercut the k-th
          // exact distance (or the list is short), scan exactly.
          const double qNormD = q.row(qi).norm();
          const double bound =
              8.0 * epsF * (qNormD * qNormD + maxNorm * maxNorm + 2.0 * qNormD * maxNorm) + 1e-300;
          const double lastFloat = candD[static_cast<std::size_t>(r) * keep + keep - 1];
          const bool complete = keep == static_cast<std::size_t>(n);
          if (exact.size() < k || (!complete && exact[k - 1].dist > lastFloat - bound)) {
            exact.clear();
            for (Eigen::Index i = 0; i < n; ++i) {
              if (i == s) continue;
              exact.push_back({exactDist2(points, i, qrow), static_cast<std::uint32_t>(i)});
            }
            std::partial_sort(exact.begin(), exact.begin() + static_cast<std::ptrdiff_t>(k),
                              exact.end());
          }
          for (std::size_t j = 0; j < k; ++j)
            out[static_cast<std::size_t>(qi) * k + j] = exact[j].index;
        }
      }
    }
  }
};

NearestNeighbours::NearestNeighbours(const RowMatrixD& points, Method method) {
  if (points.rows() == 0) throw Error("nearest neighbours: no points");
  if (points.rows() >= static_cast<Eigen::Index>(UINT32_MAX))
    throw Error("nearest neighbours: 2^32 points or more");
  m_impl = std::make_unique<Impl>(points, method);
}

NearestNeighbours::~NearestNeighbours() = default;

NearestNeighbours::Method NearestNeighbours::method() const {
  return m_impl->method;
}

std::vector<std::uint32_t> NearestNeighbours::selfNeighbours(int k) const {
  std::vector<std::uint32_t> all(static_cast<std::size_t>(m_impl->points.rows()));
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  return neighboursOf(all, k);
}

std::vector<std::uint32_t> NearestNeighbours::neighboursOf(
    const std::vector<std::uint32_t>& members, int k) const {
  const auto n = static_cast<std::int64_t>(m_impl->points.rows());
  if (k < 1 || k >= n)
    throw Error("nearest neighbours: k = " + std::to_string(k) + " needs at least " +
                std::to_string(k + 1) + " points, have " + std::to_string(n));
  RowMatrixD q(static_cast<Eigen::Index>(members.size()), m_impl->points.cols());
  std::vector<std::int64_t> self(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (static_cast<std::int64_t>(members[i]) >= n)
      throw Error("nearest neighbours: point index out of range");
    q.row(static_cast<Eigen::Index>(i)) = m_impl->points.row(members[i]);
    self[i] = members[i];
  }
  std::vector<std::uint32_t> out(members.size() * static_cast<std::size_t>(k));
  m_impl->search(q, self, static_cast<std::size_t>(k), out.data());
  return out;
}

std::vector<std::uint32_t> NearestNeighbours::query(const RowMatrixD& queries, int k) const {
  const auto n = static_cast<std::int64_t>(m_impl->points.rows());
  if (k < 1 || k > n)
    throw Error("nearest neighbours: k = " + std::to_string(k) + " but only " + std::to_string(n) +
                " points");
  if (queries.cols() != m_impl->points.cols())
    throw Error("nearest neighbours: query dimension differs from the points'");
  std::vector<std::int64_t> self(static_cast<std::size_t>(queries.rows()), -1);
  std::vector<std::uint32_t> out(static_cast<std::size_t>(queries.rows()) *
                                 static_cast<std::size_t>(k));
  m_impl->search(queries, self, static_cast<std::size_t>(k), out.data());
  return out;
}

}  // namespace imbw
