#include "core/unsup/cross_fit.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/resample/random_stream.h"
#include "core/util/error.h"

namespace imbw {

namespace {

// Forwards stops and scales progress to the fold's share.
class FoldProgress : public FitObserver {
 public:
  FoldProgress(FitObserver* outer, int fold, int folds, std::string stage)
      : m_outer(outer), m_fold(fold), m_folds(folds), m_stage(std::move(stage)) {}
  bool stopRequested() const override { return m_outer && m_outer->stopRequested(); }
  void progress(double fraction, std::string_view) override {
    if (m_outer)
      m_outer->progress(
          (m_fold + std::clamp(fraction, 0.0, 1.0)) / m_folds,
          m_stage + " fold " + std::to_string(m_fold + 1) + "/" + std::to_string(m_folds));
  }
  void checkpoint(const Checkpoint& c) override {
    if (m_outer) m_outer->checkpoint(c);
  }

 private:
  FitObserver* m_outer;
  int m_fold, m_folds;
  std::string m_stage;
};

}  // namespace

std::vector<int> randomFolds(std::size_t events, int k, std::uint64_t seed) {
  if (k < 2) throw Error("folds must be at least 2, got " + std::to_string(k));
  if (events < static_cast<std::size_t>(k))
    throw Error(std::to_string(events) + " events cannot fill " + std::to_string(k) + " folds");
  std::vector<std::size_t> order(events);
  std::iota(order.begin(), order.end(), std::size_t{0});
  RandomStream rng(seed, 0x636f6c64ULL);
  for (std::size_t i = events; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<int> fold(events);
  for (std::size_t r = 0; r < events; ++r) fold[order[r]] = static_cast<int>(r % k);
  return fold;
}

std::vector<std::size_t> trainingRows(const std::vector<int>& folds, int fold,
                                      const std::vector<std::uint8_t>& keep) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < folds.size(); ++i)
    if (folds[i] != fold && (keep.empty() || keep[i])) rows.push_back(i);
  return rows;
}

CrossFitResult crossFit(const FeatureMatrix& scored, const std::vector<int>& fold, int folds,
                        const TrainingSetFn& trainingSet, const nlohmann::json& spec,
                        std::uint64_t seed, int threads, FitObserver* observer,
                        const std::string& stage) {
  if (fold.size() != scored.rows())
    throw Error("cross-fit: " + std::to_string(fold.size()) + " fold indices for " +
                std::to_string(scored.rows()) + " events");
  (void)makeModel(spec);  // a bad spec fails before any work
  CrossFitResult out;
  out.scores.assign(scored.rows(), std::numeric_limits<double>::quiet_NaN());
  for (int k = 0; k < folds; ++k) {
    if (observer && observer->stopRequested()) throw Cancelled();
    const FeatureMatrix train = trainingSet(k);
    if (train.rows() == 0)
      throw Error(stage + ": fold " + std::to_string(k + 1) + " has no training events");
    auto model = makeModel(spec);
    FoldProgress progress(observer, k, folds, stage);
    FitContext ctx;
    ctx.observer = &progress;
    ctx.threads = threads;
    ctx.seed = seed + 7919ULL * static_cast<std::uint64_t>(k + 1);
    model->fit(train, ctx);
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < fold.size(); ++i)
      if (fold[i] == k) rows.push_back(i);
    const std::vector<double> s = model->predict(scored.subset(rows).x);
    for (std::size_t j = 0; j < rows.size(); ++j) out.scores[rows[j]] = s[j];
    out.models.push_back(std::shared_ptr<Model>(std::move(model)));
  }
  return out;
}

}  // namespace imbw
