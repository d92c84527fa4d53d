#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/loss/loss.h"
#include "core/util/error.h"
#include "core/util/json_number.h"

/// Small helpers shared by the learners of core/learn (not a public API of the area).
namespace imbw::learn_util {

/// splitmix64: tiny, fast and identical on every platform (std:: distributions are not), so a
/// seed gives the same model everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  ///< [0, 1)
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  double normal();  ///< Box–Muller

 private:
  std::uint64_t m_state;
  double m_spare = 0.0;
  bool m_hasSpare = false;
};

/// Fisher–Yates with Rng.
void shuffle(std::vector<std::size_t>& v, Rng& rng);

/// Weights scaled to mean |w| = 1 (unchanged when all are zero).
std::vector<double> normalisedWeights(const std::vector<double>& w);

/// Throws imbw::Error for a key of `j` not in `allowed` (with a "did you mean").
void checkKeys(const nlohmann::json& j, const std::string& what,
               std::initializer_list<const char*> allowed);

/// Reads j[key] into out when present; a wrong type, or a number that does not fit T, throws
/// imbw::Error naming the key (core/util/json_number.h).
template <class T>
void get(const nlohmann::json& j, const char* key, T& out) {
  if (!j.contains(key)) return;
  try {
    out = jsonValue<T>(j.at(key), key);
  } catch (const nlohmann::json::exception&) {
    throw Error(std::string("parameter '") + key + "' has the wrong type: " + j.at(key).dump());
  }
}

/// Signal score per row from raw margins: σ(z) for one column, softmax[signal] for K columns.
std::vector<double> signalScores(const RowMatrixF& margins, int numClasses, int signalClass);
/// The signal-class column of row-major [n × K] probabilities (K = 2: the probabilities are
/// already one signal score per row and come back unchanged).
std::vector<double> signalColumn(std::vector<double> proba, int numClasses, int signalClass);
/// Throws imbw::Error when x has another number of columns than the model was trained on
/// (no check when the model recorded no feature names).
void checkFeatureCount(const std::string& kind, const std::vector<std::string>& trainedFeatures,
                       const RowMatrixF& x);
/// XGBoost cannot grow trees on negative event weights (its hessians must be positive): throws
/// imbw::Error naming how many events and the remedy, the 'drop' or 'abs' training policy.
void requireNonNegativeWeights(const std::string& kind, const std::vector<double>& weight);
/// Row-wise softmax of margins, flattened row-major.
std::vector<double> softmaxRows(const RowMatrixF& margins);

/// Weighted mean loss Σ w·ℓ / Σ w on raw margins (binary: one column; K > 2: K columns).
double meanLoss(const LossConfig& loss, int numClasses, const RowMatrixF& margins,
                const std::vector<std::int32_t>& label, const std::vector<std::uint8_t>& target,
                const std::vector<double>& weight);

}  // namespace imbw::learn_util
