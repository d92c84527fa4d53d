// The "Inputs and outputs" tab: the feature ranking of several runs overlaid (issue 13).

#include <QComboBox>
#include <QPushButton>
#include <QSpinBox>
#include <cmath>

#include "app/gui/insight_panel.h"
#include "app/gui/insight_panel_jobs.h"
#include "app/gui/main_window.h"
#include "app/plots/importance_plots.h"
#include "widgets/importance_chart.h"
#include "widgets/run_plot_data.h"

namespace imbw {

bool InsightPanel::overlayRuns(QStringList ids) {
  const QString view = QStringLiteral("importance");
  if (ids.isEmpty()) ids = m_window->selectedRuns();
  std::vector<RunData> runs;
  const AnalysisSession* s = m_window->session();
  for (const QString& id : ids)
    if (s->hasProject() && s->stored(id.toStdString()))
      if (auto d = runDataFor(id, view)) runs.push_back(std::move(*d));
  if (runs.size() < 2) {
    const QString why =
        tr("Select two or more trained runs in the runs table to overlay their "
           "rankings.");
    setMessage(why, true);
    Q_EMIT failed(view, why);
    return false;
  }
  PermutationOptions options;
  options.metric = importanceMetricFromName(m_metric->currentData().toString().toStdString());
  options.repeats = m_repeats->value();
  setMessage(tr("Ranking the features of %1 runs (%2 shuffles per feature and fold)…")
                 .arg(runs.size())
                 .arg(options.repeats));
  startInsightJob<std::vector<std::pair<QString, RunImportance>>>(
      this, m_jobs, m_generations, view,
      [runs = std::move(runs), options] {
        std::vector<std::pair<QString, RunImportance>> out;
        for (const RunData& d : runs) {
          PermutationOptions o = options;
          o.seed = d.run.config.seed;  // as the run's own ranking (and the CLI) draws them
          out.emplace_back(
              QString::fromStdString(d.run.id),
              ::imbw::computeImportance(d.loaded->table, *d.stored, d.run, d.features, o));
        }
        return out;
      },
      [this](std::vector<std::pair<QString, RunImportance>> r) {
        m_overlay = std::move(r);
        showOverlay();
      });
  return true;
}

void InsightPanel::showOverlay() {
  if (m_overlay.empty()) return;
  const AnalysisSession* s = m_window->session();
  const ImportanceMetric metric = m_overlay.front().second.permutation.metric;
  // The series as `imbalance-cli importance --runs ... --plot` draws them (app/plots).
  QList<ImportanceSeries> permutation, gain;
  int uncoloured = 0;
  for (const auto& [id, r] : m_overlay) {
    const ProjectRun* run = s->project().findRun(id.toStdString());
    const QString name = run ? QString::fromStdString(run->name()) : id;
    const RunEntry* entry = m_window->registry()->find(id);
    // The run's colour in the plots; a run not drawn there has none: the next palette colour.
    const QColor color = entry && entry->colored ? entry->plot.color : runColor(uncoloured++);
    permutation << permutationSeries(name, color, r.permutation);
    if (r.hasTrees) gain << gainSeries(name, color, r.trees);
  }
  m_permutationChart->setSeries(permutationOverlayTitle(permutation.size(), metric),
                                permutationAxisTitle(metric), permutation, 4);
  if (!gain.isEmpty())
    m_gainChart->setSeries(tr("Tree gain of %1 runs").arg(gain.size()),
                           tr("% of the total gain (all folds)"), gain, 1);
  else
    m_gainChart->clear(tr("None of these runs has trees: only the permutation ranking applies."));
  m_trainWithout->setEnabled(false);  // it acts on one run's ranking: choose the run above
  setMessage(tr("%1 runs overlaid: bars in each run's colour, the features in the first run's "
                "order; whiskers: sample standard deviation over folds × shuffles.")
                 .arg(permutation.size()));
}

}  // namespace imbw
