#pragma once

#include <QHash>
#include <QString>
#include <exception>
#include <optional>

#include "app/gui/short_job.h"

namespace imbw {

/// A worker's value or the message of what it threw (exceptions never cross threads).
template <typename T>
struct InsightOutcome {
  std::optional<T> value;
  QString error;
};

/// Runs `work` on the short-job pool; on the GUI thread `show(value)` then panel->computed(view),
/// or panel->failed(view, message) with the message shown. A newer job of the same view (or a
/// change of run) makes this one's result be dropped.
template <typename T, typename Panel, typename Work, typename Show>
void startInsightJob(Panel* panel, JobRunner* jobs, QHash<QString, int>& generations,
                     const QString& view, Work work, Show show) {
  const int generation = ++generations[view];
  runShort<InsightOutcome<T>>(
      panel, jobs,
      [work] {
        InsightOutcome<T> out;
        try {
          out.value = work();
        } catch (const std::exception& e) {
          out.error = QString::fromUtf8(e.what());
        }
        return out;
      },
      [panel, &generations, view, generation, show](InsightOutcome<T> out) {
        if (generations.value(view) != generation) return;
        if (!out.value) {
          panel->reportFailure(view, out.error);
          return;
        }
        show(std::move(*out.value));
        Q_EMIT panel->computed(view);
      });
}

}  // namespace imbw
