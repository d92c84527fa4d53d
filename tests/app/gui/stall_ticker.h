#pragma once

// The event-loop stall measure of the window suites: a 5 ms timer on the GUI thread records
// the largest gap between two of its ticks while the window works.
//
// What the bound is about is the program: a stall is time in which the GUI thread did not get
// back to its event loop because it was busy or blocked. A gap also contains time in which the
// thread was ready to run and every core was taken by other processes (CI runs two suites at a
// time on a shared two-core machine: once a background save, which keeps the GUI thread idle,
// measured a 50 ms gap there while 30 runs here measure 7-16 ms). The kernel counts that time
// for each thread (the second field of /proc/thread-self/schedstat: nanoseconds spent waiting
// on a run queue), so the ticker subtracts it from the gap it falls into. Blocking, sleeping and
// running all still count. Where the kernel does not provide the file, nothing is subtracted.

#include <fcntl.h>
#include <unistd.h>
#include <QElapsedTimer>
#include <QString>
#include <QTimer>
#include <algorithm>
#include <cstdio>

namespace gui_test {

/// The calling thread's scheduler times since it started, in ns (-1 when the kernel does not
/// say): on a core, and ready but waiting on a run queue.
struct SchedTimes {
  long long runningNs = -1;
  long long waitingNs = -1;
};
inline SchedTimes schedTimes() {
  const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[128];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return {};
  buf[n] = '\0';
  SchedTimes t;
  if (std::sscanf(buf, "%lld %lld", &t.runningNs, &t.waitingNs) != 2) return {};
  return t;
}

class StallTicker {
 public:
  explicit StallTicker(int intervalMs = 5) {
    m_timer.setInterval(intervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
  }
  /// Starts measuring (again, from zero).
  void start() {
    m_last = 0;
    m_maxGap = 0;
    m_maxWallGap = 0;
    m_waitInMaxGap = 0;
    m_ranInMaxGap = -1;
    m_lastTimes = schedTimes();
    m_clock.start();
    m_timer.start();
  }
  void stop() { m_timer.stop(); }
  /// The largest gap between two ticks (or between start() and the first tick), less the time
  /// the GUI thread waited in it for a core other processes held, in ms: the program's stall.
  qint64 maxGap() const { return m_maxGap; }
  /// The largest gap as the wall clock measured it, in ms.
  qint64 maxWallGap() const { return m_maxWallGap; }
  /// For a message: "event loop stalled 12 ms (GUI thread on a core 11 ms of it) (a 40 ms gap,
  /// 28 ms of it waiting for a core other processes held)".
  QString describe() const {
    QString s = QString("event loop stalled %1 ms").arg(m_maxGap);
    if (m_ranInMaxGap >= 0) s += QString(" (GUI thread on a core %1 ms of it)").arg(m_ranInMaxGap);
    if (m_waitInMaxGap > 0)
      s += QString(" (a %1 ms gap, %2 ms of it waiting for a core other processes held)")
               .arg(m_maxGap + m_waitInMaxGap)
               .arg(m_waitInMaxGap);
    if (m_maxWallGap > m_maxGap + m_waitInMaxGap)
      s += QString("; largest wall-clock gap %1 ms").arg(m_maxWallGap);
    return s;
  }

 private:
  void tick() {
    const qint64 now = m_clock.elapsed();
    const SchedTimes times = schedTimes();
    const bool known = times.waitingNs >= 0 && m_lastTimes.waitingNs >= 0;
    const qint64 gap = now - m_last;
    const qint64 waited =
        known ? std::min<qint64>(gap, (times.waitingNs - m_lastTimes.waitingNs) / 1000000) : 0;
    m_maxWallGap = std::max(m_maxWallGap, gap);
    if (gap - waited > m_maxGap) {
      m_maxGap = gap - waited;
      m_waitInMaxGap = waited;
      m_ranInMaxGap = known ? (times.runningNs - m_lastTimes.runningNs) / 1000000 : -1;
    }
    m_last = now;
    m_lastTimes = times;
  }

  QTimer m_timer;
  QElapsedTimer m_clock;
  qint64 m_last = 0;
  qint64 m_maxGap = 0;
  qint64 m_maxWallGap = 0;
  qint64 m_waitInMaxGap = 0;
  qint64 m_ranInMaxGap = -1;
  SchedTimes m_lastTimes;
};

}  // namespace gui_test
