#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace imbw {

/// The resampling strategies of the training fold (REFERENCE.md, "Resampling with event weights").
enum class ResampleKind {
  None,             ///< training fold as is (after the negative-weight policy)
  ClassReweight,    ///< no resampling: scale weights so class totals are equal (or `ratio`)
  RandomUnder,      ///< cut every class above round(N_min / ratio) events down to it
  RandomOver,       ///< duplicate events of every class below round(ratio · N_maj) up to it
  Smote,            ///< synthetic events between a class member and one of its k neighbours
  Adasyn,           ///< SMOTE with more synthetics where a point has more foreign neighbours
  Tomek,            ///< drop the non-minority members of Tomek links
  SmoteTomek,       ///< SMOTE, then drop both members of every Tomek link (imblearn's choice)
  BalancedBagging,  ///< per ensemble member: balancedBaggingMember(); resample() returns the fold
};
const char* resampleKindName(ResampleKind kind);  ///< "none", "class_reweight", "random_under", ...
ResampleKind resampleKindFromName(const std::string& name);  ///< throws imbw::Error (did you mean)

/// What training does with negative event weights. Evaluation always uses the signed weights
/// (that is the evaluation toolkit's business; this policy never touches test folds).
enum class NegativeWeightPolicy {
  Keep,  ///< signed weights as given (Newton steps then see negative hessians)
  Drop,  ///< events with w < 0 leave the training fold
  Abs,   ///< w → |w|
};
const char* negativeWeightPolicyName(NegativeWeightPolicy p);  ///< "keep", "drop", "abs"
NegativeWeightPolicy negativeWeightPolicyFromName(const std::string& name);

/// A resampling choice as the user makes it. JSON keys: kind, ratio, replacement, k,
/// equalise_weights, negative_weights, seed.
///
/// Class roles: "majority" = the class with the most events (ties: lowest index), "minority" =
/// the class with the fewest. Counts, not weights, decide the roles (samplers act on counts).
struct ResampleConfig {
  ResampleKind kind = ResampleKind::None;
  /// Count ratio after resampling, (0, 1]: N_class / N_majority for over-sampling, SMOTE and
  /// ADASYN; N_minority / N_class for under-sampling and bagging. For ClassReweight the total
  /// weight of every non-majority class becomes `ratio` × that of the majority class.
  double ratio = 1.0;
  bool replacement = false;  ///< RandomUnder / BalancedBagging: draw with replacement
  int k = 5;                 ///< SMOTE / ADASYN neighbours
  /// After sampling, scale weights so all classes carry equal total weight (the grand total is
  /// kept). Off by default: then every class keeps its original total weight.
  bool equaliseWeights = false;
  NegativeWeightPolicy negativeWeights = NegativeWeightPolicy::Keep;
  std::uint64_t seed = 1;

  nlohmann::json toJson() const;
  static ResampleConfig fromJson(const nlohmann::json& j);  ///< validates; throws imbw::Error
  /// Throws imbw::Error naming the bad parameter (ratio ≤ 0 or > 1, k < 1).
  void validate() const;
};

}  // namespace imbw
