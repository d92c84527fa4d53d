#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/project/run_store.h"

namespace imbw {

/// The evaluation the window draws for a stored run (core evaluateRun on its sidecar scores),
/// summarised for `imbalance-cli report --evaluate`:
///   {"pooled": {"ap", "auc", "signal_fraction", "events"},
///    "per_fold": [{"fold", "ap", "auc"}],
///    "ks_probability": {class: p (training vs held-out scores of that class)},
///    "significance": {"luminosity", "best_asimov": {"z", "cut", "s", "b"}},
///    "one_vs_rest": {class: {"ap", "auc"}}   (three or more classes only)}
/// Non-finite numbers are null. Throws imbw::Error when nothing can be evaluated.
nlohmann::json storedRunReport(const StoredRun& run, const std::vector<std::string>& classes,
                               int signalClass, double luminosity);

}  // namespace imbw
