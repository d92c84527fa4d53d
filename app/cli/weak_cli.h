#pragma once

// Shared by `tnt` and `sf-scan`: the options of a weak-supervision study and the loading of its
// events (features of both objects, the resonance variable, the truth from the analysis
// classes, used only to evaluate).

#include <set>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/analysis/analysis.h"
#include "core/data/feature_matrix.h"
#include "core/learn/model.h"
#include "core/unsup/weak_study.h"

namespace imbw::cli {

/// Options every weak-supervision command takes (names with "--").
const std::set<std::string>& weakValueOptions();
/// The usage text of those options.
extern const char* const kWeakOptionsUsage;

struct WeakData {
  FeatureMatrix x;  ///< the objects' features (+ `extra`); label = the analysis class (truth)
  std::vector<double> resonance;
  bool hasTruth = false;  ///< both the signal class and another class have events
};

/// Reads the study settings from the options (objects expanded against the analysis features
/// and derived names: "j1_*" is every name starting with "j1_").
WeakStudyConfig weakConfig(const Args& args, const Analysis& analysis);
/// Loads the analysis's selected events with the objects' features, `extra` columns and the
/// resonance variable (--resonance, default mjj).
WeakData loadWeakData(const Args& args, const Analysis& analysis, const WeakStudyConfig& config,
                      const std::vector<std::string>& extra = {});

/// Prints "stage" lines to stderr (at most every 0.5 s, unless quiet) and stops on Ctrl-C.
class StageProgress : public FitObserver {
 public:
  explicit StageProgress(bool quiet);
  ~StageProgress() override;
  bool stopRequested() const override;
  void progress(double fraction, std::string_view stage) override;

 private:
  bool m_quiet;
  std::string m_last;
};

std::vector<double> parseNumberList(const std::string& option, const std::string& text);
/// "a, b ,c" → {"a", "b", "c"}: split at commas, spaces around each item trimmed, empty items
/// left out.
std::vector<std::string> splitList(const std::string& text);
std::string fixedText(double v, int decimals);

}  // namespace imbw::cli
