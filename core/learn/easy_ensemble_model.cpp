#include "core/learn/easy_ensemble_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/learn/forest_model.h"
#include "core/learn/learn_util.h"
#include "core/util/error.h"

namespace imbw {

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Passes the caller's cancel through to a member and maps its progress into the whole fit.
class MemberObserver : public FitObserver {
 public:
  MemberObserver(FitObserver* outer, int index, int count)
      : m_outer(outer), m_index(index), m_count(count) {}
  bool stopRequested() const override { return m_outer && m_outer->stopRequested(); }
  void progress(double fraction, std::string_view) override {
    if (m_outer) m_outer->progress((m_index + fraction) / m_count, "boosting ensemble members");
  }

 private:
  FitObserver* m_outer;
  int m_index, m_count;
};

}  // namespace

GbdtParams EasyEnsembleParams::defaultMember() {
  GbdtParams p;
  p.trees = 100;
  p.learningRate = 0.1;
  p.maxDepth = 4;
  return p;
}

nlohmann::json EasyEnsembleParams::toJson() const {
  return {{"members", members}, {"member", member.toJson()}, {"checkpoint_every", checkpointEvery}};
}

EasyEnsembleParams EasyEnsembleParams::fromJson(const nlohmann::json& j) {
  xgb::checkKeys(j, {"members", "member", "checkpoint_every"}, "easy_ensemble");
  EasyEnsembleParams p;
  p.members = xgb::value(j, "members", p.members);
  p.checkpointEvery = xgb::value(j, "checkpoint_every", p.checkpointEvery);
  if (j.contains("member")) {
    // Keys given for the member override the member defaults, the rest keep them.
    nlohmann::json m = defaultMember().toJson();
    m.merge_patch(j.at("member"));
    p.member = GbdtParams::fromJson(m);
  }
  p.validate();
  return p;
}

void EasyEnsembleParams::validate() const {
  if (members < 1) throw Error("easy_ensemble: members must be at least 1");
  if (checkpointEvery < 1) throw Error("easy_ensemble: checkpoint_every must be at least 1");
  member.validate();
}

std::unique_ptr<Model> makeEasyEnsembleModel(const nlohmann::json& spec) {
  return std::make_unique<EasyEnsembleModel>(EasyEnsembleParams::fromJson(spec));
}

EasyEnsembleModel::EasyEnsembleModel(EasyEnsembleParams params) : m_params(std::move(params)) {
  m_params.validate();
}

nlohmann::json EasyEnsembleModel::config() const {
  auto j = m_params.toJson();
  j["kind"] = kind();
  return j;
}

void EasyEnsembleModel::fit(const FeatureMatrix& train, const FitContext& ctx) {
  const std::size_t n = train.rows();
  if (n == 0) throw Error("easy_ensemble: the training set is empty");
  learn_util::requireNonNegativeWeights("easy_ensemble", train.weight);
  const int k = xgb::classCount(train);
  m_numClasses = k;
  m_signalClass = train.signalClass;
  m_classNames = train.classNames;
  m_featureNames = train.featureNames;
  m_members.clear();
  m_counts.clear();
  const bool binary = k == 2;

  std::vector<std::vector<std::size_t>> byClass(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < n; ++i)
    byClass[static_cast<std::size_t>(binary ? (train.isSignal(i) ? 1 : 0) : train.label[i])]
        .push_back(i);
  std::size_t minority = std::numeric_limits<std::size_t>::max();
  for (const auto& m : byClass)
    if (!m.empty()) minority = std::min(minority, m.size());

  std::vector<double> valSum;
  std::vector<std::size_t> pool, chosen;
  for (int member = 0; member < m_params.members; ++member) {
    if (ctx.observer && ctx.observer->stopRequested()) throw Cancelled();
    std::mt19937_64 rng(mix(ctx.seed ^ mix(static_cast<std::uint64_t>(member) + 0x5eed)));
    chosen.clear();
    std::vector<std::size_t> counts(static_cast<std::size_t>(k), 0);
    for (std::size_t c = 0; c < byClass.size(); ++c) {
      if (byClass[c].empty()) continue;
      pool = byClass[c];
      for (std::size_t j = 0; j < minority; ++j) {
        std::uniform_int_distribution<std::size_t> pick(j, pool.size() - 1);
        std::swap(pool[j], pool[pick(rng)]);
        chosen.push_back(pool[j]);
      }
      counts[c] = minority;
    }
    std::sort(chosen.begin(), chosen.end());  // keeps the draw's order independent of classes
    const FeatureMatrix part = train.subset(chosen);
    MemberObserver obs(ctx.observer, member, m_params.members);
    FitContext mctx;
    mctx.observer = &obs;
    mctx.threads = ctx.threads;
    mctx.seed = mix(ctx.seed + static_cast<std::uint64_t>(member));
    auto model = std::make_unique<GbdtModel>(m_params.member);
    model->fit(part, mctx);
    m_members.push_back(std::move(model));
    m_counts.push_back(counts);

    if (ctx.validation && ctx.validation->rows() > 0) {
      const auto s = m_members.back()->predict(ctx.validation->x);
      if (valSum.empty()) valSum.assign(s.size(), 0.0);
      for (std::size_t i = 0; i < s.size(); ++i) valSum[i] += s[i];
    }
    const bool cpNow =
        (member + 1) % m_params.checkpointEvery == 0 || member + 1 == m_params.members;
    if (ctx.observer && cpNow) {
      Checkpoint cp;
      cp.iteration = member + 1;
      cp.trainLoss = std::numeric_limits<double>::quiet_NaN();
      cp.validationLoss = std::numeric_limits<double>::quiet_NaN();
      if (!valSum.empty()) {
        const FeatureMatrix& v = *ctx.validation;
        cp.validationScores.resize(valSum.size());
        double loss = 0.0, wsum = 0.0;
        for (std::size_t i = 0; i < valSum.size(); ++i) {
          const double p = valSum[i] / (member + 1);
          cp.validationScores[i] = p;
          const double vw = v.weight.empty() ? 1.0 : v.weight[i];
          loss -= vw * std::log(std::clamp(v.isSignal(i) ? p : 1.0 - p, 1e-7, 1.0));
          wsum += vw;
        }
        if (binary && wsum != 0.0) cp.validationLoss = loss / wsum;
      }
      ctx.observer->checkpoint(cp);
    }
  }
}

std::vector<double> EasyEnsembleModel::predictProba(const RowMatrixF& x) const {
  if (m_members.empty()) throw Error("easy_ensemble: the model is not trained");
  std::vector<double> sum;
  for (const auto& m : m_members) {
    const auto p = m->predictProba(x);
    if (sum.empty()) sum.assign(p.size(), 0.0);
    for (std::size_t i = 0; i < p.size(); ++i) sum[i] += p[i];
  }
  for (double& v : sum) v /= static_cast<double>(m_members.size());
  return sum;
}

std::vector<double> EasyEnsembleModel::predict(const RowMatrixF& x) const {
  return learn_util::signalColumn(predictProba(x), m_numClasses, m_signalClass);
}

void EasyEnsembleModel::save(const std::string& path) const {
  if (m_members.empty()) throw Error("easy_ensemble: cannot save an untrained model");
  nlohmann::json file = {{"imbw_kind", kind()},
                         {"config", m_params.toJson()},
                         {"num_classes", m_numClasses},
                         {"signal_class", m_signalClass},
                         {"class_names", m_classNames},
                         {"feature_names", m_featureNames},
                         {"member_class_counts", m_counts},
                         {"members", nlohmann::json::array()}};
  for (const auto& m : m_members) file["members"].push_back(m->booster().toJson());
  xgb::writeFileBytes(path, file.dump());
}

std::unique_ptr<EasyEnsembleModel> EasyEnsembleModel::fromJson(const nlohmann::json& file) {
  if (file.value("imbw_kind", std::string()) != "easy_ensemble")
    throw Error("the file does not hold an easy_ensemble model");
  auto model = std::make_unique<EasyEnsembleModel>(EasyEnsembleParams::fromJson(file.at("config")));
  model->m_numClasses = file.at("num_classes");
  model->m_signalClass = file.at("signal_class");
  model->m_classNames = file.at("class_names").get<std::vector<std::string>>();
  model->m_featureNames = file.at("feature_names").get<std::vector<std::string>>();
  model->m_counts = file.at("member_class_counts").get<std::vector<std::vector<std::size_t>>>();
  std::size_t index = 0;
  for (const auto& m : file.at("members")) {
    try {
      model->m_members.push_back(GbdtModel::fromBooster(xgb::Booster::fromBuffer(m.dump())));
    } catch (const Error& e) {
      throw Error("member " + std::to_string(index) + ": " + e.what());
    }
    ++index;
  }
  return model;
}

std::unique_ptr<EasyEnsembleModel> EasyEnsembleModel::load(const std::string& path) {
  return fromJson(nlohmann::json::parse(xgb::readFileBytes(path)));
}

namespace {

bool looksLikeText(const std::string& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  });
}

}  // namespace

std::unique_ptr<Model> loadTreeModel(const std::string& path) {
  const std::string bytes = xgb::readFileBytes(path);
  if (bytes.empty()) throw Error("model file '" + path + "' is empty");
  // Our EasyEnsemble and forest files are JSON (forests also UBJSON) with "imbw_kind", XGBoost's
  // are JSON or UBJSON with "learner". A file that is neither document (truncated, damaged, of
  // another program) is refused here, with the parser's position, before XGBoost's own loader
  // answers with its internal text.
  const nlohmann::json ours = xgb::parseJsonOrUbjson(bytes);
  if (ours.is_discarded()) {
    const bool text = looksLikeText(bytes);
    std::string why;
    try {
      const nlohmann::json again =
          text ? nlohmann::json::parse(bytes) : nlohmann::json::from_ubjson(bytes);
      why = "parsed on a second try";  // cannot happen: the first parse failed
    } catch (const nlohmann::json::exception& e) {
      why = plainJsonMessage(e);
    }
    throw Error("model file '" + path + "' is damaged, truncated or not a model: it is not a " +
                (text ? "JSON" : "UBJSON") + " document (" + why + ")");
  }
  if (!ours.is_object() || (!ours.contains("imbw_kind") && !ours.contains("learner")))
    throw Error("model file '" + path + "' is " + (looksLikeText(bytes) ? "JSON" : "UBJSON") +
                " but not a model of Imbalance Workbench or XGBoost (no \"imbw_kind\" or " +
                "\"learner\" at its top level)");
  if (ours.contains("imbw_kind")) {
    const std::string kind = ours.at("imbw_kind").is_string() ? ours.at("imbw_kind") : "";
    if (kind == "random_forest" || kind == "balanced_random_forest")
      return ForestModel::fromJson(ours);
    return EasyEnsembleModel::fromJson(ours);
  }
  xgb::Booster booster = xgb::Booster::fromBuffer(bytes);
  const std::string metaText = booster.attr("imbw");
  if (metaText.empty())
    throw Error("'" + path + "' is an XGBoost model without Imbalance Workbench metadata");
  const std::string kind = nlohmann::json::parse(metaText).at("kind");
  if (kind == "gbdt") return GbdtModel::fromBooster(std::move(booster));
  throw Error("'" + path + "' holds a model of unknown kind '" + kind + "'");
}

}  // namespace imbw
