#include "core/learn/standardizer.h"

#include <cmath>
#include <vector>

#include "core/util/error.h"

namespace imbw {

void Standardizer::fit(const RowMatrixF& x) {
  const Eigen::Index d = x.cols();
  m_mean.setZero(d);
  m_invScale.setOnes(d);
  // Two passes in double (features like pT in GeV would lose digits in a float sum), each
  // reading the row-major matrix in order with one sum per column: the same sums as column by
  // column, without a strided walk through memory per column.
  std::vector<double> sum(static_cast<std::size_t>(d), 0.0), ss(static_cast<std::size_t>(d), 0.0);
  std::vector<Eigen::Index> count(static_cast<std::size_t>(d), 0);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const float* row = x.data() + i * d;
    for (Eigen::Index c = 0; c < d; ++c) {
      if (std::isfinite(row[c])) {
        sum[c] += row[c];
        ++count[c];
      }
    }
  }
  std::vector<double> mean(static_cast<std::size_t>(d));
  for (Eigen::Index c = 0; c < d; ++c)
    mean[c] = count[c] > 0 ? sum[c] / static_cast<double>(count[c]) : 0.0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const float* row = x.data() + i * d;
    for (Eigen::Index c = 0; c < d; ++c) {
      const float v = row[c];
      if (std::isfinite(v)) ss[c] += (v - mean[c]) * (v - mean[c]);
    }
  }
  for (Eigen::Index c = 0; c < d; ++c) {
    const Eigen::Index n = count[c];
    const double sd = n > 1 ? std::sqrt(ss[c] / static_cast<double>(n)) : 0.0;
    m_mean[c] = static_cast<float>(mean[c]);
    // A constant feature keeps scale 1: it then contributes a constant 0 instead of NaN.
    m_invScale[c] = sd > 0.0 ? static_cast<float>(1.0 / sd) : 1.0f;
  }
}

void Standardizer::applyRows(const RowMatrixF& x, Eigen::Index begin, Eigen::Index n,
                             RowMatrixF& out) const {
  if (x.cols() != m_mean.size())
    throw Error("model expects " + std::to_string(m_mean.size()) + " features, got " +
                std::to_string(x.cols()));
  for (Eigen::Index i = 0; i < n; ++i) {
    const float* src = x.data() + (begin + i) * x.cols();
    float* dst = out.data() + i * out.cols();
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const float v = (src[c] - m_mean[c]) * m_invScale[c];
      dst[c] = std::isfinite(v) ? v : 0.0f;
    }
  }
}

void Standardizer::apply(const RowMatrixF& x, RowMatrixF& out) const {
  out.resize(x.rows(), x.cols());
  applyRows(x, 0, x.rows(), out);
}

void Standardizer::save(model_io::H5ModelFile& file, const std::string& prefix) const {
  file.writeMatrix(prefix + "input_mean", m_mean);
  file.writeMatrix(prefix + "input_inv_scale", m_invScale);
}

void Standardizer::load(const model_io::H5ModelFile& file, const std::string& prefix) {
  const RowMatrixF mean = file.readMatrix(prefix + "input_mean");
  const RowMatrixF inv = file.readMatrix(prefix + "input_inv_scale");
  if (mean.size() != inv.size()) throw Error("inconsistent input standardisation in model file");
  m_mean = Eigen::Map<const Eigen::RowVectorXf>(mean.data(), mean.size());
  m_invScale = Eigen::Map<const Eigen::RowVectorXf>(inv.data(), inv.size());
}

}  // namespace imbw
