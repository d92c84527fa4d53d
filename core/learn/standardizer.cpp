#include "core/learn/standardizer.h"

#include <cmath>

#include "core/util/error.h"

namespace imbw {

void Standardizer::fit(const RowMatrixF& x) {
  const Eigen::Index d = x.cols();
  m_mean.setZero(d);
  m_invScale.setOnes(d);
  for (Eigen::Index c = 0; c < d; ++c) {
    // Two passes in double: features like pT in GeV would lose digits in a float sum.
    double sum = 0.0;
    Eigen::Index n = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const float v = x(i, c);
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    const double mean = n > 0 ? sum / static_cast<double>(n) : 0.0;
    double ss = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const float v = x(i, c);
      if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    }
    const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n)) : 0.0;
    m_mean[c] = static_cast<float>(mean);
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
