#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

namespace imbw {

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Exact k-nearest-neighbour search (Euclidean) over a fixed point set; queries run in parallel
/// with OpenMP. Two engines: blocked brute force (float GEMM distance blocks, candidates re-ranked
/// with exact double distances and a per-query error bound that falls back to an exact double
/// scan when float rounding could have hidden a neighbour) — fast in many dimensions, where a
/// KD-tree visits most leaves — and a nanoflann KD-tree for large low-dimensional sets. Results
/// are identical up to the order of exactly equidistant points (brute force: lower index first).
/// The points are referenced, not copied: keep them alive.
class NearestNeighbours {
 public:
  enum class Method { Auto, Brute, KdTree };
  explicit NearestNeighbours(const RowMatrixD& points, Method method = Method::Auto);
  Method method() const;
  ~NearestNeighbours();
  NearestNeighbours(const NearestNeighbours&) = delete;
  NearestNeighbours& operator=(const NearestNeighbours&) = delete;

  /// For every point, its k nearest other points (itself excluded), nearest first:
  /// row-major [n × k]. Requires k < n.
  std::vector<std::uint32_t> selfNeighbours(int k) const;
  /// The same for the listed points only: [members × k].
  std::vector<std::uint32_t> neighboursOf(const std::vector<std::uint32_t>& members, int k) const;
  /// For every query row, its k nearest points, nearest first: [queries × k]. Requires k ≤ n.
  std::vector<std::uint32_t> query(const RowMatrixD& queries, int k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace imbw
