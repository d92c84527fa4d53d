#pragma once

#include <QHash>
#include <QString>
#include <exception>
#include <optional>

#include <QFutureWatcher>
#include <QPromise>

#include "app/gui/job_runner.h"

namespace imbw {

/// A worker's value or the message of what it threw (exceptions never cross threads).
template <typename T>
struct InsightOutcome {
  std::optional<T> value;
  QString error;
};

/// Runs `work` on the window's analysis pool (JobRunner::startAnalysis: one thread at background
/// priority; permutation importance and the recalibration fits use every core, and the window
/// must still answer within 50 ms); on the GUI thread `show(value)` then panel->computed(view),
/// or panel->failed(view, message) with the message shown. A newer job of the same view (or a
/// change of run) makes this one's result be dropped.
template <typename T, typename Panel, typename Work, typename Show>
void startInsightJob(Panel* panel, JobRunner* jobs, QHash<QString, int>& generations,
                     const QString& view, Work work, Show show) {
  const int generation = ++generations[view];
  auto* watcher = new QFutureWatcher<InsightOutcome<T>>(panel);
  QObject::connect(
      watcher, &QFutureWatcherBase::finished, panel,
      [panel, watcher, &generations, view, generation, show] {
        watcher->deleteLater();
        JobRunner::takeOver();
        if (generations.value(view) != generation || watcher->future().resultCount() == 0) return;
        InsightOutcome<T> out = watcher->result();
        if (!out.value) {
          panel->reportFailure(view, out.error);
          return;
        }
        show(std::move(*out.value));
        Q_EMIT panel->computed(view);
      });
  watcher->setFuture(
      jobs->startAnalysis<InsightOutcome<T>>([work](QPromise<InsightOutcome<T>>& promise) {
        InsightOutcome<T> out;
        try {
          out.value = work();
        } catch (const std::exception& e) {
          out.error = QString::fromUtf8(e.what());
        }
        promise.addResult(std::move(out));
      }));
}

}  // namespace imbw
