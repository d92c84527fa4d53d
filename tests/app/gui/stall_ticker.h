#pragma once

// The event-loop stall measure of the window suites: a 5 ms timer on the GUI thread records
// the largest gap between two of its ticks while the window works.

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>

namespace gui_test {

class StallTicker {
 public:
  explicit StallTicker(int intervalMs = 5) {
    m_timer.setInterval(intervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
      const qint64 now = m_clock.elapsed();
      m_maxGap = std::max(m_maxGap, now - m_last);
      m_last = now;
    });
  }
  /// Starts measuring (again, from zero).
  void start() {
    m_last = 0;
    m_maxGap = 0;
    m_clock.start();
    m_timer.start();
  }
  void stop() { m_timer.stop(); }
  /// The largest gap between two ticks (or between start() and the first tick), in ms.
  qint64 maxGap() const { return m_maxGap; }

 private:
  QTimer m_timer;
  QElapsedTimer m_clock;
  qint64 m_last = 0;
  qint64 m_maxGap = 0;
};

}  // namespace gui_test
