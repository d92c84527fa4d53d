#include "core/unsup/tagging.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/util/error.h"

namespace imbw {

std::vector<Tag> tagByScore(std::span<const double> score, double signalFraction,
                            double backgroundFraction, std::span<const std::uint8_t> eligible) {
  if (!eligible.empty() && eligible.size() != score.size())
    throw Error("tagging: " + std::to_string(score.size()) + " scores but " +
                std::to_string(eligible.size()) + " eligibility flags");
  if (!(signalFraction >= 0.0 && signalFraction <= 1.0))
    throw Error("tagging: the signal-like fraction " + std::to_string(signalFraction) +
                " is not in [0, 1]");
  if (!(backgroundFraction >= 0.0 && backgroundFraction <= 1.0))
    throw Error("tagging: the background-like fraction " + std::to_string(backgroundFraction) +
                " is not in [0, 1]");
  if (signalFraction + backgroundFraction > 1.0 + 1e-12)
    throw Error("tagging: the signal-like and background-like fractions add up to more than 1");
  std::vector<std::size_t> rows;
  rows.reserve(score.size());
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!eligible.empty() && !eligible[i]) continue;
    if (std::isnan(score[i]))
      throw Error("tagging: event " + std::to_string(i) + " has no score (NaN)");
    rows.push_back(i);
  }
  const std::size_t n = rows.size();
  const auto nSig = static_cast<std::size_t>(std::llround(signalFraction * double(n)));
  const auto nBkg =
      std::min(n - nSig, static_cast<std::size_t>(std::llround(backgroundFraction * double(n))));
  std::vector<Tag> tags(score.size(), Tag::Untagged);
  // Descending score, ties by event order: the first nSig are signal-like.
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  for (std::size_t k = 0; k < nSig; ++k) tags[rows[k]] = Tag::SignalLike;
  // Ascending for the background tail, ties again by event order.
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  std::size_t taken = 0;
  for (std::size_t k = 0; k < n && taken < nBkg; ++k) {
    if (tags[rows[k]] != Tag::Untagged) continue;
    tags[rows[k]] = Tag::BackgroundLike;
    ++taken;
  }
  return tags;
}

FeatureMatrix pseudoLabelled(const FeatureMatrix& data, std::span<const Tag> tags,
                             std::vector<std::size_t>* rowsOut) {
  if (tags.size() != data.rows())
    throw Error("pseudo-labels: " + std::to_string(tags.size()) + " tags for " +
                std::to_string(data.rows()) + " events");
  std::vector<std::size_t> rows;
  std::size_t nSig = 0;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i] == Tag::Untagged) continue;
    rows.push_back(i);
    nSig += tags[i] == Tag::SignalLike;
  }
  if (nSig == 0 || nSig == rows.size())
    throw Error(std::string("pseudo-labels: no ") +
                (nSig == 0 ? "signal-like" : "background-like") +
                " events were tagged (raise the tag fractions or widen the mass window)");
  FeatureMatrix out;
  out.featureNames = data.featureNames;
  out.classNames = {"background-like", "signal-like"};
  out.signalClass = 1;
  out.x.resize(static_cast<Eigen::Index>(rows.size()), data.x.cols());
  out.label.resize(rows.size());
  out.weight.resize(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out.x.row(static_cast<Eigen::Index>(k)) = data.x.row(static_cast<Eigen::Index>(rows[k]));
    out.label[k] = tags[rows[k]] == Tag::SignalLike ? 1 : 0;
    out.weight[k] = data.weight[rows[k]];
  }
  if (rowsOut) *rowsOut = std::move(rows);
  return out;
}

std::vector<double> empiricalCdf(std::span<const double> score) {
  const std::size_t n = score.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  std::vector<double> cdf(n);
  std::size_t k = 0;
  while (k < n) {
    std::size_t end = k + 1;
    while (end < n && score[order[end]] == score[order[k]]) ++end;
    for (std::size_t j = k; j < end; ++j) cdf[order[j]] = double(end) / double(n);
    k = end;
  }
  return cdf;
}

std::vector<double> combineBothInTop(std::span<const double> score1,
                                     std::span<const double> score2) {
  if (score1.size() != score2.size())
    throw Error("combination: the two objects have different numbers of scores");
  for (std::size_t i = 0; i < score1.size(); ++i)
    if (std::isnan(score1[i]) || std::isnan(score2[i]))
      throw Error("combination: event " + std::to_string(i) + " has no score (NaN)");
  const std::vector<double> f1 = empiricalCdf(score1), f2 = empiricalCdf(score2);
  std::vector<double> out(f1.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::min(f1[i], f2[i]);
  return out;
}

}  // namespace imbw
