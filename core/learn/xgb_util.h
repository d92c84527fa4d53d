#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/data/feature_matrix.h"
#include "core/util/json_number.h"

/// Thin RAII layer over XGBoost's C API shared by the boosted-tree models (GBDT, EasyEnsemble) and
/// the model-file helpers. Every failing call throws imbw::Error carrying XGBoost's own message.
namespace imbw::xgb {

// XGBoost's handles are opaque pointers; spelled out here so that users of the model headers
// need no XGBoost include path (imbw::xgboost stays a private dependency of imbw_learn).
using DMatrixHandle = void*;
using BoosterHandle = void*;

/// Throws imbw::Error("XGBoost: <what>: <XGBGetLastError()>") when rc != 0.
void check(int rc, const char* what);
/// XGBoost's error text without its time stamp, source location and stack trace (the first
/// line's message only): what a user can act on.
std::string plainMessage(const std::string& xgboostText);

/// Owns a DMatrixHandle. NaN in the features means "missing" (XGBoost's default branch).
class DMatrix {
 public:
  DMatrix() = default;
  DMatrix(const RowMatrixF& x, int threads);
  ~DMatrix();
  DMatrix(DMatrix&& o) noexcept : m_h(o.m_h) { o.m_h = nullptr; }
  DMatrix& operator=(DMatrix&& o) noexcept;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;

  DMatrixHandle handle() const { return m_h; }
  explicit operator bool() const { return m_h != nullptr; }
  /// XGBoost's quantile matrix for the hist method: the histogram bins (max_bin per feature,
  /// sketched with `weight` when given) are computed here, from row batches, instead of inside
  /// the first boosting round, and `stop` is asked between batches (≈ 25 ms apart on
  /// 136,000 × 20), so a cancel need not wait for the whole sketch (0.2 s there). Returns an
  /// empty matrix when `stop` said yes. Predicting on it works through the booster's cache.
  static DMatrix quantile(const RowMatrixF& x, std::span<const float> label,
                          std::span<const float> weight, int threads, int maxBin,
                          const std::function<bool()>& stop);
  /// "label", "weight" or "base_margin" (base_margin: rows × groups, row-major).
  void setFloatInfo(const char* field, std::span<const float> values);

 private:
  DMatrixHandle m_h = nullptr;
};

/// Owns a BoosterHandle.
class Booster {
 public:
  Booster() = default;
  /// A booster whose prediction cache knows `cache` (training / validation matrices).
  explicit Booster(std::span<const DMatrixHandle> cache);
  ~Booster();
  Booster(Booster&& o) noexcept : m_h(o.m_h) { o.m_h = nullptr; }
  Booster& operator=(Booster&& o) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  BoosterHandle handle() const { return m_h; }
  explicit operator bool() const { return m_h != nullptr; }

  void setParam(const char* name, const std::string& value);
  void setParam(const char* name, double value);
  void setParam(const char* name, int value);
  void updateOneIter(int iter, const DMatrix& train);
  /// One round with caller-supplied gradient pairs (length rows × output groups).
  void boostOneIter(const DMatrix& train, std::span<float> grad, std::span<float> hess);
  /// Raw margins (no link function) of all trees; pointer valid until the next XGBoost call.
  /// On a matrix in the cache only the trees added since the last call are evaluated.
  std::span<const float> predictMargin(const DMatrix& m, bool training = false) const;
  int boostedRounds() const;
  /// Keeps rounds [0, rounds).
  void truncate(int rounds);

  void setAttr(const char* key, const std::string& value);
  std::string attr(const char* key) const;  ///< "" when absent

  /// "json" or "ubj".
  std::string toBuffer(const char* format) const;
  static Booster fromBuffer(const std::string& bytes);
  /// XGBoost's JSON model as a tree (for inspection and for embedding in our own files).
  nlohmann::json toJson() const;

 private:
  BoosterHandle m_h = nullptr;
};

/// File helpers for models: the format follows the extension (".json" → JSON, else UBJ).
std::string readFileBytes(const std::string& path);
void writeFileBytes(const std::string& path, const std::string& bytes);
bool pathWantsJson(const std::string& path);
/// A model file's bytes as JSON, or failing that as UBJSON; a discarded value when neither.
nlohmann::json parseJsonOrUbjson(const std::string& bytes);

/// Per-event weights for training as float, normalised to mean |w| = 1 so that XGBoost's
/// absolute thresholds (min_child_weight, the split-gain epsilon) mean the same whatever the
/// generator weights' scale is.
std::vector<double> normalisedWeights(std::span<const double> w);

/// Throws imbw::Error naming the first key of `j` that is not in `allowed` (with "did you
/// mean"); the key "kind" is always allowed.
void checkKeys(const nlohmann::json& j, const std::vector<std::string>& allowed,
               const std::string& model);
/// j[key] as T when present, else `fallback`; a wrong type throws imbw::Error naming the key.
[[noreturn]] void throwBadType(const char* key);
template <typename T>
T value(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.contains(key)) return fallback;
  try {
    return jsonValue<T>(j.at(key), key);  // numbers that do not fit T are refused as such
  } catch (const nlohmann::json::exception&) {
    throwBadType(key);
  }
}

/// Number of classes of a matrix (at least 2, also when classNames is empty).
int classCount(const FeatureMatrix& m);

}  // namespace imbw::xgb
