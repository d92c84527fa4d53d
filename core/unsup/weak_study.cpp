#include "core/unsup/weak_study.h"

#include <algorithm>
#include <chrono>

#include "core/eval/roc_curve.h"
#include "core/learn/run_engine.h"
#include "core/unsup/cross_fit.h"
#include "core/unsup/cwola.h"
#include "core/unsup/signal_injection.h"
#include "core/unsup/tagging.h"
#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

std::vector<std::string> bothObjects(const WeakStudyConfig& c) {
  std::vector<std::string> f = c.object1Features;
  for (const std::string& n : c.object2Features)
    if (std::find(f.begin(), f.end(), n) == f.end()) f.push_back(n);
  return f;
}

}  // namespace

std::vector<std::string> expandFeatureList(const std::string& what, const std::string& text,
                                           const std::vector<std::string>& known) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    if (item.back() != '*') {
      out.push_back(item);
      continue;
    }
    const std::string prefix = item.substr(0, item.size() - 1);
    std::size_t found = 0;
    for (const std::string& k : known)
      if (k.rfind(prefix, 0) == 0) {
        out.push_back(k);
        ++found;
      }
    if (found == 0) throw Error(what + ": no feature of the analysis starts with '" + prefix + "'");
  }
  if (out.empty()) throw Error(what + " needs at least one feature");
  return out;
}

const std::vector<std::string>& weakMethodNames() {
  static const std::vector<std::string> names{"supervised", "cwola", "autoencoder", "tnt"};
  return names;
}

void checkWeakMethod(const std::string& method) {
  const auto& names = weakMethodNames();
  if (std::find(names.begin(), names.end(), method) == names.end())
    throw Error(unknownNameMessage("method", method, names));
}

std::vector<double> autoencoderScores(const FeatureMatrix& data, std::span<const double> resonance,
                                      const std::vector<std::string>& features,
                                      const WeakStudyConfig& config, FitObserver* observer) {
  const FeatureMatrix x = selectFeatures(data, features);
  std::vector<std::uint8_t> outside(x.rows(), 1);
  if (resonance.size() == x.rows())
    for (std::size_t i = 0; i < outside.size(); ++i)
      outside[i] = !config.window.contains(resonance[i]);
  const std::vector<int> fold = randomFolds(x.rows(), config.folds, config.seed + 101);
  const TrainingSetFn set = [&](int k) { return x.subset(trainingRows(fold, k, outside)); };
  return crossFit(x, fold, config.folds, set, config.autoencoder, config.seed + 202, config.threads,
                  observer, "autoencoder")
      .scores;
}

TntConfig tntConfig(const WeakStudyConfig& c) {
  TntConfig tc;
  tc.object1Features = c.object1Features;
  tc.object2Features = c.object2Features;
  tc.signalTagFraction = c.signalTagFraction;
  tc.backgroundTagFraction = c.backgroundTagFraction;
  if (c.tagInWindow) tc.window = c.window;
  tc.classifier = c.classifier;
  tc.iterations = c.iterations;
  tc.folds = c.folds;
  tc.seed = c.seed + 606;
  tc.threads = c.threads;
  return tc;
}

std::vector<double> runWeakMethod(const std::string& method, const FeatureMatrix& data,
                                  std::span<const double> resonance, const WeakStudyConfig& c,
                                  FitObserver* observer) {
  checkWeakMethod(method);
  if (resonance.size() != data.rows())
    throw Error("the resonance variable needs one value per event");
  if (method == "supervised") {
    const FeatureMatrix x = selectFeatures(data, bothObjects(c));
    const std::vector<int> fold = randomFolds(x.rows(), c.folds, c.seed + 303);
    const TrainingSetFn set = [&](int k) { return x.subset(trainingRows(fold, k)); };
    return crossFit(x, fold, c.folds, set, c.classifier, c.seed + 404, c.threads, observer,
                    "supervised")
        .scores;
  }
  if (method == "cwola") {
    CwolaConfig cc;
    cc.features = bothObjects(c);
    cc.signalRegion = c.window;
    cc.sidebandWidth = c.sidebandWidth;
    cc.classifier = c.classifier;
    cc.folds = c.folds;
    cc.seed = c.seed + 505;
    cc.threads = c.threads;
    return runCwola(data, resonance, cc, observer).scores;
  }
  const std::vector<double> ae1 =
      autoencoderScores(data, resonance, c.object1Features, c, observer);
  const std::vector<double> ae2 =
      autoencoderScores(data, resonance, c.object2Features, c, observer);
  if (method == "autoencoder") return combineBothInTop(ae1, ae2);
  return runTagNTrain(data, resonance, ae1, ae2, tntConfig(c), observer).finalScore();
}

std::vector<ScanPoint> scanSignalFractions(const FeatureMatrix& data,
                                           std::span<const double> resonance,
                                           const std::vector<double>& sOverB,
                                           const std::vector<std::string>& methods,
                                           const WeakStudyConfig& c, FitObserver* observer) {
  for (const std::string& m : methods) checkWeakMethod(m);
  const std::vector<std::uint8_t> truth = signalMask(data.label, data.signalClass);
  std::vector<std::vector<std::size_t>> samples;
  for (double f : sOverB) samples.push_back(injectSignal(truth, f, c.seed + 707));
  std::vector<ScanPoint> out;
  for (std::size_t k = 0; k < sOverB.size(); ++k) {
    const std::vector<std::size_t>& rows = samples[k];
    const FeatureMatrix x = data.subset(rows);
    std::vector<double> m(rows.size());
    std::vector<std::uint8_t> t(rows.size()), window(rows.size());
    std::size_t nSig = 0;
    for (std::size_t j = 0; j < rows.size(); ++j) {
      m[j] = resonance[rows[j]];
      t[j] = truth[rows[j]];
      window[j] = c.window.contains(m[j]);
      nSig += t[j];
    }
    for (const std::string& method : methods) {
      if (observer && observer->stopRequested()) throw Cancelled();
      if (observer) observer->progress(0.0, "S/B " + std::to_string(sOverB[k]) + ": " + method);
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<double> score = runWeakMethod(method, x, m, c, observer);
      ScanPoint p;
      p.sOverB = sOverB[k];
      p.method = method;
      p.signalEvents = nSig;
      p.backgroundEvents = rows.size() - nSig;
      p.metrics = weakMetrics(score, t, x.weight, window);
      p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace imbw
