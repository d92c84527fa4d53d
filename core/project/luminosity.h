#pragma once

// The project's luminosity, one setting for the significance and the plots' label block:
// the factor the significance multiplies the weighted yields by (the window's Significance tab,
// `plots`, `working-point`), and optionally the integrated luminosity the event weights are
// normalised to. Their product is the luminosity the label block writes where it says {lumi}
// (issue 11: "the luminosity is the one the significance uses"). Stored in the project file
// under "luminosity": {"factor": 7.0, "weights_fb": 20.3}; both keys optional (factor 1, the
// weights' luminosity unknown), so project files without it read as before.

#include <optional>
#include <string>

#include "core/project/project.h"

namespace imbw {

struct ProjectLuminosity {
  double factor = 1.0;                 ///< multiplies the weighted signal and background yields
  std::optional<double> weightsInvFb;  ///< fb⁻¹ the event weights are normalised to

  /// factor × weightsInvFb in fb⁻¹, when the weights' luminosity is known.
  std::optional<double> integratedInvFb() const;
  bool operator==(const ProjectLuminosity&) const = default;
};

/// The project's luminosity (defaults when absent); throws imbw::Error naming the key and the
/// value when it is not a positive finite number.
ProjectLuminosity projectLuminosity(const Project& project);
/// Stores `lumi` (the key is removed when both are at their defaults); throws imbw::Error when
/// the factor or the weights' luminosity is not a positive finite number.
void setProjectLuminosity(Project& project, const ProjectLuminosity& lumi);

/// "140 fb^{-1}", "36.1 pb^{-1}", "3 ab^{-1}": three significant digits at most, in the unit
/// that keeps the number between 1 and 1000, with the label block's superscript markup.
std::string luminosityText(double invFb);

/// The placeholder of the label block that stands for the integrated luminosity.
inline constexpr const char* kLumiPlaceholder = "{lumi}";
/// `label` with every {lumi} replaced by luminosityText(lumi.integratedInvFb()). Throws
/// imbw::Error saying what to set when the label uses {lumi} and the weights' luminosity is
/// not known.
std::string expandPlotLabel(const std::string& label, const ProjectLuminosity& lumi);

}  // namespace imbw
