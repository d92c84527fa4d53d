#pragma once

// Event-loop latency: a 5 ms timer records the largest gap between its ticks while it runs.

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>

namespace imbw::test {

class StallTicker {
 public:
  StallTicker() {
    m_timer.setInterval(5);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
      const qint64 now = m_clock.elapsed();
      m_maxGap = std::max(m_maxGap, now - m_last);
      m_last = now;
    });
  }
  void start() {
    m_clock.start();
    m_last = 0;
    m_maxGap = 0;
    m_timer.start();
  }
  void stop() { m_timer.stop(); }
  qint64 maxGap() const { return m_maxGap; }

 private:
  QTimer m_timer;
  QElapsedTimer m_clock;
  qint64 m_last = 0, m_maxGap = 0;
};

}  // namespace imbw::test
