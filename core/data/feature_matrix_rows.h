#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/data/event_table.h"
#include "core/data/feature_matrix.h"

namespace imbw {

/// The matrix of the given events of the table only, in that order: the same as
/// FeatureMatrix::fromTable(table, features).subset(rows) without building the whole table's
/// matrix first (training on a cut of 10 M events held that matrix and the subset at once).
/// Throws imbw::Error on unknown names.
FeatureMatrix featureMatrixOfRows(const EventTable& table, const std::vector<std::string>& features,
                                  std::span<const std::size_t> rows);

}  // namespace imbw
