#pragma once

#include <QObject>
#include <QString>

namespace imbw {

class MainWindow;

/// `imbalance-workbench --screenshots DIR FILE`: opens FILE, trains two runs and a small α–γ
/// scan, then saves the window's own grab() once per main view into DIR and quits. Driven by
/// signals and timers only (the event loop keeps running throughout).
class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  ScreenshotTour(MainWindow* window, QString dir, QString file);
  void start();

 private:
  void train();
  void shoot(int step);
  MainWindow* m_window;
  QString m_dir, m_file;
  int m_pending = 0;
};

}  // namespace imbw
