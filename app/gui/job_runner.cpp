#include "app/gui/job_runner.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>

namespace imbw {

void job_runner_detail::handOver() {
  static std::mutex m;
  const std::lock_guard lock(m);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  m_trainingPool.setMaxThreadCount(1);
  m_trainingPool.setObjectName("imbw-training");
  m_shortPool.setMaxThreadCount(1);
  m_shortPool.setObjectName("imbw-short-jobs");
  m_analysisPool.setMaxThreadCount(1);  // the numeric kernels bring their own threads
  m_analysisPool.setObjectName("imbw-analysis");
  m_externalPool.setMaxThreadCount(2);  // a submit or cancel need not wait behind a poll
  m_externalPool.setObjectName("imbw-external");
}

JobRunner::~JobRunner() {
  shutdown();
}

void JobRunner::track(const QFuture<void>& f) {
  // Forget finished jobs so the list stays short in a long session.
  m_futures.removeIf([](const QFuture<void>& g) { return g.isFinished(); });
  m_futures.push_back(f);
}

int JobRunner::activeJobs() const {
  int n = 0;
  for (const auto& f : m_futures) n += f.isFinished() ? 0 : 1;
  return n;
}

void JobRunner::lowerCurrentThreadPriority() {
  constexpr int kBackgroundNice = 10;
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  // Best effort: a failure (e.g. a sandbox forbidding it) only costs responsiveness.
  (void)::setpriority(PRIO_PROCESS, tid, kBackgroundNice);
}

void JobRunner::shutdown() {
  for (auto& f : m_futures) f.cancel();
  // Queued tasks still start, see the cancel and end at once (so their futures finish);
  // running ones stop at their next poll.
  m_trainingPool.waitForDone();
  m_shortPool.waitForDone();
  m_analysisPool.waitForDone();
  m_externalPool.waitForDone();
  takeOver();  // the futures' results are freed below or later, on this thread
  m_futures.clear();
}

}  // namespace imbw
