#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>

#include "app/gui/job_runner.h"

namespace imbw {

/// Runs `work` (which must not throw) on the short-job pool and hands its value to `done` on
/// the GUI thread, unless the job was cancelled.
template <typename T, typename Work, typename Done>
void runShort(QObject* owner, JobRunner* jobs, Work work, Done done) {
  auto* watcher = new QFutureWatcher<T>(owner);
  QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done] {
    if (!watcher->isCanceled() && watcher->future().resultCount() > 0) done(watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(jobs->startShort<T>([work](QPromise<T>& promise) {
    if (promise.isCanceled()) return;
    promise.addResult(work());
  }));
}

}  // namespace imbw
