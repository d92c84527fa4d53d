#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/resample/stratified_kfold.h"

namespace imbw::cli {

/// One row of the paper's results table.
struct ResultsRow {
  std::string name;
  std::string note;  ///< e.g. "cancelled", "not trained"
  std::map<std::string, MeanStd> aggregate;
  int folds = 0;
};

/// The paper's Table 1 layout: model, t_fit, AP, AUC, AP/r, 1/ε_B at ε_S = 0.2 and 0.8, each
/// mean ± sample std over the folds (decimals: t_fit 2, AP and AUC 3, AP/r 2, 1/ε_B 1).
void printResultsTable(std::ostream& os, const std::vector<ResultsRow>& rows);

/// "%.*f" with "-" for NaN and "inf" for infinities.
std::string fixed(double v, int decimals);

}  // namespace imbw::cli
