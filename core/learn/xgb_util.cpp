#include "core/learn/xgb_util.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>

#include "core/learn/xgb_model_check.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw::xgb {

void check(int rc, const char* what) {
  if (rc != 0)
    throw Error(std::string("XGBoost: ") + what + ": " + plainMessage(XGBGetLastError()));
}

std::string plainMessage(const std::string& text) {
  std::string s = text.substr(0, text.find('\n'));
  // "[01:02:03] /build/xgboost-1.7.4/src/learner.cc:123: Check failed: ..."
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find("] ");
    if (close != std::string::npos) s.erase(0, close + 2);
  }
  const auto loc = s.find(": ");
  if (loc != std::string::npos && s.compare(0, 1, "/") == 0) {
    const auto colon = s.rfind(':', loc - 1);
    if (colon != std::string::npos && colon + 1 < loc &&
        s.find_first_not_of("0123456789", colon + 1) == loc)
      s.erase(0, loc + 2);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s.empty() ? std::string("(no message)") : s;
}

DMatrix::DMatrix(const RowMatrixF& x, int threads) {
  check(XGDMatrixCreateFromMat_omp(x.data(), static_cast<bst_ulong>(x.rows()),
                                   static_cast<bst_ulong>(x.cols()),
                                   std::numeric_limits<float>::quiet_NaN(), &m_h, threads),
        "creating the data matrix");
}

DMatrix::~DMatrix() {
  if (m_h) XGDMatrixFree(m_h);
}

DMatrix& DMatrix::operator=(DMatrix&& o) noexcept {
  if (this != &o) {
    if (m_h) XGDMatrixFree(m_h);
    m_h = o.m_h;
    o.m_h = nullptr;
  }
  return *this;
}

namespace {

/// The batches XGQuantileDMatrixCreateFromCallback pulls (twice: sketch, then bin indices).
struct BatchFeed {
  const RowMatrixF& x;
  std::span<const float> label, weight;
  const std::function<bool()>& stop;
  DMatrixHandle proxy = nullptr;
  std::size_t at = 0;
  bool stopped = false;
  std::string error;
  static constexpr std::size_t kBatchRows = 16384;
};

void resetFeed(DataIterHandle h) {
  static_cast<BatchFeed*>(h)->at = 0;
}

int nextBatch(DataIterHandle h) {
  auto* feed = static_cast<BatchFeed*>(h);
  const auto rows = static_cast<std::size_t>(feed->x.rows());
  if (feed->stopped || feed->at >= rows) return 0;
  if (feed->stop && feed->stop()) {
    feed->stopped = true;
    return 0;
  }
  const std::size_t b = feed->at, e = std::min(rows, b + BatchFeed::kBatchRows);
  const auto cols = static_cast<std::size_t>(feed->x.cols());
  char array[256];
  std::snprintf(array, sizeof array,
                "{\"data\": [%zu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", "
                "\"version\": 3}",
                reinterpret_cast<std::size_t>(feed->x.data() + b * cols), e - b, cols);
  if (XGProxyDMatrixSetDataDense(feed->proxy, array) != 0 ||
      XGDMatrixSetFloatInfo(feed->proxy, "label", feed->label.data() + b, e - b) != 0 ||
      (!feed->weight.empty() &&
       XGDMatrixSetFloatInfo(feed->proxy, "weight", feed->weight.data() + b, e - b) != 0)) {
    feed->error = XGBGetLastError();
    return 0;
  }
  feed->at = e;
  return 1;
}

}  // namespace

DMatrix DMatrix::quantile(const RowMatrixF& x, std::span<const float> label,
                          std::span<const float> weight, int threads, int maxBin,
                          const std::function<bool()>& stop) {
  const auto rows = static_cast<std::size_t>(x.rows());
  if (label.size() != rows || (!weight.empty() && weight.size() != rows))
    throw Error("XGBoost: labels or weights do not match the rows of the matrix");
  BatchFeed feed{x, label, weight, stop, nullptr, 0, false, {}};
  check(XGProxyDMatrixCreate(&feed.proxy), "creating the batch proxy");
  const std::string config = "{\"missing\": NaN, \"nthread\": " + std::to_string(threads) +
                             ", \"max_bin\": " + std::to_string(maxBin) + "}";
  DMatrix out;
  const int rc = XGQuantileDMatrixCreateFromCallback(&feed, feed.proxy, nullptr, resetFeed,
                                                     nextBatch, config.c_str(), &out.m_h);
  const std::string xgbError = rc != 0 ? XGBGetLastError() : "";
  XGDMatrixFree(feed.proxy);
  if (feed.stopped) return DMatrix();  // frees whatever XGBoost built from the first batches
  if (!feed.error.empty()) throw Error("XGBoost: passing a batch of rows: " + feed.error);
  if (rc != 0) throw Error("XGBoost: building the quantile matrix: " + xgbError);
  return out;
}

void DMatrix::setFloatInfo(const char* field, std::span<const float> values) {
  check(XGDMatrixSetFloatInfo(m_h, field, values.data(), static_cast<bst_ulong>(values.size())),
        field);
}

Booster::Booster(std::span<const DMatrixHandle> cache) {
  check(XGBoosterCreate(cache.data(), static_cast<bst_ulong>(cache.size()), &m_h),
        "creating the booster");
}

Booster::~Booster() {
  if (m_h) XGBoosterFree(m_h);
}

Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (m_h) XGBoosterFree(m_h);
    m_h = o.m_h;
    o.m_h = nullptr;
  }
  return *this;
}

void Booster::setParam(const char* name, const std::string& value) {
  check(XGBoosterSetParam(m_h, name, value.c_str()), name);
}

void Booster::setParam(const char* name, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  setParam(name, std::string(buf));
}

void Booster::setParam(const char* name, int value) {
  setParam(name, std::to_string(value));
}

void Booster::updateOneIter(int iter, const DMatrix& train) {
  check(XGBoosterUpdateOneIter(m_h, iter, train.handle()), "boosting one round");
}

void Booster::boostOneIter(const DMatrix& train, std::span<float> grad, std::span<float> hess) {
  check(XGBoosterBoostOneIter(m_h, train.handle(), grad.data(), hess.data(),
                              static_cast<bst_ulong>(grad.size())),
        "boosting one round with custom gradients");
}

std::span<const float> Booster::predictMargin(const DMatrix& m, bool training) const {
  bst_ulong len = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(m_h, m.handle(), 1, 0, training ? 1 : 0, &len, &out), "predicting");
  return {out, static_cast<std::size_t>(len)};
}

int Booster::boostedRounds() const {
  int n = 0;
  check(XGBoosterBoostedRounds(m_h, &n), "counting rounds");
  return n;
}

void Booster::truncate(int rounds) {
  BoosterHandle out = nullptr;
  check(XGBoosterSlice(m_h, 0, rounds, 1, &out), "slicing the model");
  XGBoosterFree(m_h);
  m_h = out;
}

void Booster::setAttr(const char* key, const std::string& value) {
  check(XGBoosterSetAttr(m_h, key, value.c_str()), "setting a model attribute");
}

std::string Booster::attr(const char* key) const {
  const char* out = nullptr;
  int ok = 0;
  check(XGBoosterGetAttr(m_h, key, &out, &ok), "reading a model attribute");
  return ok && out ? std::string(out) : std::string();
}

std::string Booster::toBuffer(const char* format) const {
  bst_ulong len = 0;
  const char* data = nullptr;
  const std::string config = std::string(R"({"format": ")") + format + "\"}";
  check(XGBoosterSaveModelToBuffer(m_h, config.c_str(), &len, &data), "serialising the model");
  return std::string(data, static_cast<std::size_t>(len));
}

Booster Booster::fromBuffer(const std::string& bytes) {
  // XGBoost trusts the tree arrays of the document; damaged ones crash its predictor.
  if (const nlohmann::json doc = parseJsonOrUbjson(bytes); !doc.is_discarded()) {
    checkTreeArrays(doc);
  }
  Booster b(std::span<const DMatrixHandle>{});
  check(XGBoosterLoadModelFromBuffer(b.m_h, bytes.data(), static_cast<bst_ulong>(bytes.size())),
        "loading the model");
  return b;
}

nlohmann::json Booster::toJson() const {
  return nlohmann::json::parse(toBuffer("json"));
}

std::string readFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open model file '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeFileBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write model file '" + path + "'");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("writing model file '" + path + "' failed");
}

nlohmann::json parseJsonOrUbjson(const std::string& bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) j = nlohmann::json::from_ubjson(bytes, true, false);
  return j;
}

bool pathWantsJson(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

std::vector<double> normalisedWeights(std::span<const double> w) {
  double sum = 0.0;
  for (double v : w) sum += std::abs(v);
  std::vector<double> out(w.begin(), w.end());
  if (sum <= 0.0) throw Error("all training event weights are zero");
  const double scale = static_cast<double>(w.size()) / sum;
  for (double& v : out) v *= scale;
  return out;
}

void checkKeys(const nlohmann::json& j, const std::vector<std::string>& allowed,
               const std::string& model) {
  if (!j.is_object()) throw Error(model + " parameters must be a JSON object");
  for (const auto& [key, v] : j.items()) {
    if (key == "kind") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw Error(unknownNameMessage(model + " parameter", key, allowed));
  }
}

void throwBadType(const char* key) {
  throw Error(std::string("model parameter '") + key + "' has the wrong type");
}

int classCount(const FeatureMatrix& m) {
  int k = m.numClasses();
  for (auto l : m.label) k = std::max(k, l + 1);
  return std::max(k, 2);
}

}  // namespace imbw::xgb
