#include "core/data/feature_matrix.h"

#include "core/data/feature_matrix_rows.h"

namespace imbw {

FeatureMatrix FeatureMatrix::subset(std::span<const std::size_t> rowsWanted) const {
  FeatureMatrix out;
  out.featureNames = featureNames;
  out.classNames = classNames;
  out.signalClass = signalClass;
  out.x.resize(static_cast<Eigen::Index>(rowsWanted.size()), x.cols());
  out.label.resize(rowsWanted.size());
  out.weight.resize(rowsWanted.size());
  for (std::size_t i = 0; i < rowsWanted.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(rowsWanted[i]);
    out.x.row(static_cast<Eigen::Index>(i)) = x.row(r);
    out.label[i] = label[rowsWanted[i]];
    out.weight[i] = weight[rowsWanted[i]];
  }
  return out;
}

FeatureMatrix FeatureMatrix::fromTable(const EventTable& table,
                                       const std::vector<std::string>& features) {
  FeatureMatrix out;
  out.featureNames = features;
  out.classNames = table.classNames;
  out.signalClass = table.signalClass;
  out.label = table.classIndex;
  out.weight = table.weight;
  const auto n = static_cast<Eigen::Index>(table.size());
  out.x.resize(n, static_cast<Eigen::Index>(features.size()));
  for (std::size_t f = 0; f < features.size(); ++f) {
    const auto& col = table.column(features[f]);
    for (Eigen::Index i = 0; i < n; ++i) out.x(i, static_cast<Eigen::Index>(f)) = col[i];
  }
  return out;
}

FeatureMatrix featureMatrixOfRows(const EventTable& table, const std::vector<std::string>& features,
                                  std::span<const std::size_t> rows) {
  FeatureMatrix out;
  out.featureNames = features;
  out.classNames = table.classNames;
  out.signalClass = table.signalClass;
  std::vector<const float*> cols;
  for (const auto& f : features) cols.push_back(table.column(f).data());
  const std::size_t n = rows.size();
  out.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(features.size()));
  out.label.resize(n);
  out.weight.resize(n);
  float* x = out.x.data();
  const std::size_t nf = cols.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = rows[i];
    for (std::size_t f = 0; f < nf; ++f) x[i * nf + f] = cols[f][r];
    out.label[i] = table.classIndex[r];
    out.weight[i] = table.weight[r];
  }
  return out;
}

}  // namespace imbw
