#include "app/plots/importance_plots.h"

#include <algorithm>
#include <cmath>

#include "core/util/error.h"
#include "widgets/widget_export.h"

namespace imbw {

ImportanceSeries permutationSeries(const QString& name, const QColor& color,
                                   const RunPermutationImportance& ranking) {
  ImportanceSeries one{name, color, {}};
  for (std::size_t f = 0; f < ranking.features.size(); ++f)
    one.bars << ImportanceBar{QString::fromStdString(ranking.features[f]), ranking.mean[f],
                              ranking.std[f]};
  return one;
}

ImportanceSeries gainSeries(const QString& name, const QColor& color, const TreeImportance& trees) {
  double total = 0;
  for (double g : trees.totalGain) total += g;
  ImportanceSeries one{name, color, {}};
  for (std::size_t f = 0; f < trees.features.size(); ++f)
    one.bars << ImportanceBar{QString::fromStdString(trees.features[f]),
                              total > 0 ? 100.0 * trees.totalGain[f] / total : NAN, NAN};
  return one;
}

QString importanceMetricLabel(ImportanceMetric metric) {
  return metric == ImportanceMetric::AveragePrecision ? QStringLiteral("AP")
                                                      : QStringLiteral("AUC");
}

QString permutationOverlayTitle(qsizetype runs, ImportanceMetric metric) {
  return QObject::tr("Permutation importance of %1 runs (held-out %2)")
      .arg(runs)
      .arg(importanceMetricLabel(metric));
}

QString permutationAxisTitle(ImportanceMetric metric) {
  return QObject::tr("Δ%1 when the feature is shuffled").arg(importanceMetricLabel(metric));
}

void writeImportanceChart(const QString& title, const QString& axisTitle,
                          const QList<ImportanceSeries>& series, int decimals, const QString& path,
                          QSize size, int dpi) {
  ImportanceChart chart;
  chart.setSeries(title, axisTitle, series, decimals);
  // Every feature gets its row at the view's own row height: a long ranking makes a taller
  // figure rather than rows squeezed into the page; no height given: just the rows' height.
  size.setHeight(std::max(size.height(), chart.sizeHint().height()));
  QString error;
  if (!exportWidget(chart, path, size, &error, dpi)) throw Error(error.toStdString());
}

}  // namespace imbw
