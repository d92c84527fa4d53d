#pragma once

// The feature ranking's bars (issue 13) as the window's Feature ranking tab shows them and
// `imbalance-cli importance --plot` writes them: one series per run in the run's colour,
// drawn by ImportanceChart and written by exportWidget (the window's figure export).

#include <QColor>
#include <QList>
#include <QSize>
#include <QString>

#include "core/insight/permutation_importance.h"
#include "core/insight/tree_importance.h"
#include "widgets/importance_chart.h"

namespace imbw {

/// A run's permutation ranking as bars: per feature the mean drop with its sample standard
/// deviation as the error.
ImportanceSeries permutationSeries(const QString& name, const QColor& color,
                                   const RunPermutationImportance& ranking);
/// A run's tree gain as bars: per feature its share of the total gain in % (no error bars).
ImportanceSeries gainSeries(const QString& name, const QColor& color, const TreeImportance& trees);

/// "AP" or "AUC".
QString importanceMetricLabel(ImportanceMetric metric);
/// The overlay's title, "Permutation importance of N runs (held-out AP)", and its axis title,
/// "ΔAP when the feature is shuffled".
QString permutationOverlayTitle(qsizetype runs, ImportanceMetric metric);
QString permutationAxisTitle(ImportanceMetric metric);

/// Draws `series` (one: a single run's bars; more: overlaid, the features in the first run's
/// order) with ImportanceChart and writes it to `path` (.png at `dpi`, .svg or .pdf) at `size`
/// points, the height grown to fit every row (height 0: the rows' height). Needs a QApplication.
/// Throws imbw::Error naming the file when it cannot be written or the suffix is none of the three.
void writeImportanceChart(const QString& title, const QString& axisTitle,
                          const QList<ImportanceSeries>& series, int decimals, const QString& path,
                          QSize size = {800, 0}, int dpi = 144);

}  // namespace imbw
