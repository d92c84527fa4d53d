#include "app/gui/insight_data.h"

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "core/eval/roc_curve.h"
#include "core/learn/run_calibration.h"
#include "core/resample/resampler.h"
#include "core/resample/stratified_kfold.h"
#include "core/util/error.h"

namespace imbw {

namespace {

std::int64_t eventKey(std::int32_t sample, std::int64_t row) {
  return (static_cast<std::int64_t>(sample) << 40) ^ row;
}

int foldCount(const StoredRun& s) {
  int n = 0;
  for (int f : s.fold) n = std::max(n, f + 1);
  return n;
}

std::vector<std::uint8_t> storedSignal(const StoredRun& s, int signalClass) {
  return signalMask(s.classIndex, signalClass);
}

/// Per fold: f(scores, y, w) of the fold's events, then mean ± sample std over the folds.
template <typename F>
MeanStd perFold(const std::vector<double>& score, const std::vector<std::uint8_t>& y,
                const std::vector<double>& w, const std::vector<std::int32_t>& fold, int folds,
                F f) {
  std::vector<double> values;
  for (int k = 0; k < folds; ++k) {
    std::vector<double> s, ww;
    std::vector<std::uint8_t> yy;
    for (std::size_t i = 0; i < score.size(); ++i)
      if (fold[i] == k) {
        s.push_back(score[i]);
        yy.push_back(y[i]);
        ww.push_back(w[i]);
      }
    if (!s.empty()) values.push_back(f(s, yy, ww));
  }
  return meanStd(values);
}

}  // namespace

std::vector<std::string> runFeatures(const ProjectRun& run, const Analysis& analysis) {
  return run.config.features.empty() ? analysis.features : run.config.features;
}

RunEvents runEvents(const EventTable& table, const StoredRun& stored, const ProjectRun& run,
                    const std::vector<std::string>& features) {
  if (table.eventIndex.size() != table.size())
    throw Error("the loaded events do not name their file rows, so run '" + run.name() +
                "' cannot be matched to them");
  std::unordered_map<std::int64_t, std::size_t> rowOf;
  rowOf.reserve(table.size());
  for (std::size_t i = 0; i < table.size(); ++i)
    rowOf.emplace(eventKey(table.sampleIndex[i], table.eventIndex[i]), i);
  std::vector<std::size_t> rows(stored.size());
  for (std::size_t k = 0; k < stored.size(); ++k) {
    const auto it = rowOf.find(eventKey(stored.sample[k], stored.eventIndex[k]));
    if (it == rowOf.end() || table.classIndex[it->second] != stored.classIndex[k])
      throw Error("run '" + run.name() + "' scored event " + std::to_string(stored.eventIndex[k]) +
                  " of sample " + std::to_string(stored.sample[k] + 1) +
                  ", which is not among the loaded events with that class: the samples or " +
                  "classes changed since it was trained; train it again");
    rows[k] = it->second;
  }
  for (const auto& f : features)
    if (table.columnIndex(f) < 0)
      throw Error("run '" + run.name() + "' uses feature '" + f +
                  "', which the loaded events do not have");
  RunEvents ev;
  ev.data = FeatureMatrix::fromTable(table, features).subset(rows);
  ev.data.weight = stored.weight;  // as trained (the same values, kept exactly)
  ev.fold.assign(stored.fold.begin(), stored.fold.end());
  ev.score = stored.score;
  return ev;
}

std::vector<std::shared_ptr<Model>> storedModels(const StoredRun& stored, const ProjectRun& run,
                                                 const std::string& directory) {
  if (stored.models.empty())
    throw Error("run '" + run.name() + "' has no fold models in the project's results file");
  // The sidecar keeps each fold model with its input transform and calibration (the pipeline
  // JSON beside it), so a materialised model predicts the stored scores.
  std::vector<std::shared_ptr<Model>> models;
  for (std::size_t k = 0; k < stored.models.size(); ++k)
    models.push_back(loadModel(materialiseModel(stored, k, directory)));
  return models;
}

RunImportance computeImportance(const EventTable& table, const StoredRun& stored,
                                const ProjectRun& run, const std::vector<std::string>& features,
                                const PermutationOptions& options) {
  const RunEvents ev = runEvents(table, stored, run, features);
  RunResult result;
  result.name = run.name();
  result.config = run.config;
  result.config.features = features;
  result.heldOutFold = ev.fold;
  result.heldOutScores = ev.score;
  // A folder of this call's own: another run's fold files never meet these.
  const QTemporaryDir dir;
  if (!dir.isValid())
    throw Error("cannot create a temporary folder for the fold models: " +
                dir.errorString().toStdString());
  result.models = storedModels(stored, run, dir.path().toStdString());
  if (static_cast<int>(result.models.size()) != foldCount(stored))
    throw Error("run '" + run.name() + "' has " + std::to_string(result.models.size()) +
                " fold models for " + std::to_string(foldCount(stored)) + " scored folds");
  RunImportance out;
  out.permutation = runPermutationImportance(ev.data, result, options);
  for (const auto& f : out.permutation.perFold) out.baseline += f.baseline;
  out.baseline /= static_cast<double>(std::max<std::size_t>(1, out.permutation.perFold.size()));
  if (hasTreeImportance(*result.models[0])) {
    out.hasTrees = true;
    out.trees.features = out.permutation.features;
    out.trees.totalGain.assign(features.size(), 0.0);
    out.trees.splitCount.assign(features.size(), 0.0);
    for (const auto& m : result.models) {
      const TreeImportance t = treeImportance(*m, out.permutation.features);
      out.trees.gainKind = t.gainKind;
      for (std::size_t f = 0; f < t.totalGain.size(); ++f) {
        out.trees.totalGain[f] += t.totalGain[f];
        out.trees.splitCount[f] += t.splitCount[f];
      }
    }
  }
  return out;
}

CalibrationView computeCalibration(const EventTable& table, const StoredRun& stored,
                                   const ProjectRun& run, const std::vector<std::string>& features,
                                   int bins) {
  const int signal = table.signalClass;
  const std::vector<std::uint8_t> y = storedSignal(stored, signal);
  for (double s : stored.score)
    if (!std::isnan(s) && (s < 0.0 || s > 1.0))
      throw Error("run '" + run.name() + "' gives scores outside [0, 1] (" + std::to_string(s) +
                  "): a reliability diagram needs probabilities");
  const int folds = foldCount(stored);
  CalibrationView out;
  auto curve = [&](std::string name, const std::vector<double>& score) {
    CalibrationCurveView c;
    c.name = std::move(name);
    c.curve = foldedCalibrationCurve(score, y, stored.weight, stored.fold, bins);
    c.brier = perFold(score, y, stored.weight, stored.fold, folds,
                      [](auto& s, auto& yy, auto& w) { return brierScore(s, yy, w); });
    c.logLoss = perFold(score, y, stored.weight, stored.fold, folds,
                        [](auto& s, auto& yy, auto& w) { return logLoss(s, yy, w); });
    c.meanScore = perFold(score, y, stored.weight, stored.fold, folds, [](auto& s, auto&, auto& w) {
      double sw = 0, sws = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        sw += w[i];
        sws += w[i] * s[i];
      }
      return sws / sw;
    });
    out.curves.push_back(std::move(c));
  };
  out.signalFraction =
      perFold(stored.score, y, stored.weight, stored.fold, folds, [](auto&, auto& yy, auto& w) {
        double sw = 0, ss = 0;
        for (std::size_t i = 0; i < yy.size(); ++i) {
          sw += w[i];
          ss += yy[i] ? w[i] : 0.0;
        }
        return ss / sw;
      });
  const auto kind = run.config.calibration.kind;
  curve(kind == CalibrationConfig::Kind::None
            ? std::string("as trained")
            : std::string("as trained (") + calibrationKindName(kind) + ")",
        stored.score);
  if (kind != CalibrationConfig::Kind::None) {
    out.notes.push_back("the run's scores are already calibrated by its own setting");
    return out;
  }

  // Prior correction: per fold the factor its training applied (resampling as configured on
  // the events the fold trained on, class weighting, α).
  const RunEvents ev = runEvents(table, stored, run, features);
  std::vector<double> prior(stored.size(), std::nan(""));
  bool priorApplies = false;
  try {
    for (int k = 0; k < folds; ++k) {
      std::vector<std::size_t> trainRows, testRows;
      for (std::size_t i = 0; i < ev.fold.size(); ++i)
        (ev.fold[i] == k ? testRows : trainRows).push_back(i);
      const FeatureMatrix before = ev.data.subset(trainRows);
      ResampleConfig rc = run.config.resample;
      rc.seed = run.config.resample.seed ^ run.config.seed;
      const FeatureMatrix train = resample(before, rc).data;
      const double factor = priorCorrectionFactor(run.config, before, train);
      if (std::abs(factor - 1.0) > 1e-9) priorApplies = true;
      const Calibrator c = priorCorrection(factor);
      for (std::size_t i : testRows) prior[i] = c.apply(stored.score[i]);
    }
  } catch (const Error& e) {
    out.notes.push_back(std::string("prior correction: ") + e.what());
    priorApplies = false;
  }
  if (priorApplies)
    curve("prior-corrected", prior);
  else
    out.notes.push_back(
        "prior correction: nothing to undo (no resampling, class weighting or α weighting)");

  // Platt and isotonic, each fold mapped by the fit on the other folds' held-out scores.
  for (const bool platt : {true, false}) {
    std::vector<double> mapped(stored.size(), std::nan(""));
    try {
      for (int k = 0; k < folds; ++k) {
        std::vector<double> s, w;
        std::vector<std::uint8_t> yy;
        for (std::size_t i = 0; i < stored.size(); ++i)
          if (stored.fold[i] >= 0 && stored.fold[i] != k) {
            s.push_back(stored.score[i]);
            yy.push_back(y[i]);
            w.push_back(stored.weight[i]);
          }
        const Calibrator c = platt ? fitPlatt(s, yy, w) : fitIsotonic(s, yy, w);
        for (std::size_t i = 0; i < stored.size(); ++i)
          if (stored.fold[i] == k) mapped[i] = c.apply(stored.score[i]);
      }
      curve(platt ? "Platt (cross-fitted)" : "isotonic (cross-fitted)", mapped);
    } catch (const Error& e) {
      out.notes.push_back(std::string(platt ? "Platt: " : "isotonic: ") + e.what());
    }
  }
  return out;
}

CorrelationView computeCorrelations(const EventTable& table, std::span<const std::uint8_t> keep,
                                    const std::vector<std::string>& features,
                                    const StoredRun* stored, double threshold) {
  if (keep.size() != table.size())
    throw Error("the selection does not belong to the loaded events; wait for the yields");
  for (const auto& f : features)
    if (table.columnIndex(f) < 0) throw Error("the loaded events have no feature '" + f + "'");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) rows.push_back(i);
  const FeatureMatrix data = FeatureMatrix::fromTable(table, features).subset(rows);
  std::vector<double> score;
  if (stored) {
    std::unordered_map<std::int64_t, std::size_t> rowOf;
    for (std::size_t k = 0; k < stored->size(); ++k)
      rowOf.emplace(eventKey(stored->sample[k], stored->eventIndex[k]), k);
    score.assign(rows.size(), std::nan(""));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const std::size_t i = rows[r];
      const auto it = rowOf.find(eventKey(table.sampleIndex[i], table.eventIndex[i]));
      if (it != rowOf.end()) score[r] = stored->score[it->second];
    }
  }
  CorrelationView out;
  for (int c = 0; c < data.numClasses(); ++c) {
    out.titles.push_back("class " + data.classNames[static_cast<std::size_t>(c)]);
    out.matrices.push_back(classCorrelation(data, c, score, "score"));
  }
  out.titles.push_back("all events");
  out.matrices.push_back(classCorrelation(data, -1, score, "score"));
  for (const auto& m : out.matrices) out.pairs.push_back(correlatedPairs(m, threshold));
  return out;
}

FoldedWorkingPoint computeWorkingPoint(const StoredRun& stored, int signalClass,
                                       const WorkingPointChoice& choice) {
  const std::vector<std::uint8_t> y = storedSignal(stored, signalClass);
  return foldedWorkingPoint(stored.score, y, stored.weight, stored.fold, choice);
}

}  // namespace imbw
