#include "app/gui/screenshot_tour.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QJsonObject>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include "app/gui/loss_panel.h"
#include "app/gui/main_window.h"
#include "app/gui/model_panel.h"
#include "widgets/json_form.h"
#include "widgets/runs_table_model.h"

namespace imbw {

ScreenshotTour::ScreenshotTour(MainWindow* window, QString dir, QString file)
    : QObject(window), m_window(window), m_dir(std::move(dir)), m_file(std::move(file)) {}

void ScreenshotTour::start() {
  QDir().mkpath(m_dir);
  // The tour's runs are not the user's work: quitting at the end asks nothing.
  m_window->setUnsavedPrompt([](const QString&) { return MainWindow::UnsavedChoice::Discard; });
  connect(m_window, &MainWindow::analysisLoaded, this, [this] {
    // Wait for the first yields, then train.
    connect(m_window, &MainWindow::yieldsUpdated, this, &ScreenshotTour::train,
            Qt::SingleShotConnection);
  });
  connect(m_window, &MainWindow::loadFailed, this, [](const QString& why) {
    qCritical("screenshots: %s", qPrintable(why));
    QApplication::exit(1);
  });
  m_window->openFile(m_file);
}

void ScreenshotTour::train() {
  MainWindow& w = *m_window;
  w.modelPanel()->modelKindBox()->setCurrentText("gbdt");
  QJsonObject p = w.modelPanel()->modelForm()->values();
  p["trees"] = 300;
  p["learning_rate"] = 0.05;
  p["max_depth"] = 4;
  p["checkpoint_every"] = 10;
  w.modelPanel()->modelForm()->setValues(p);
  w.modelPanel()->foldsBox()->setValue(5);
  w.lossPanel()->lossKindBox()->setCurrentIndex(0);
  if (!w.startTraining()) {
    qCritical("screenshots: %s", qPrintable(w.trainingRefusal()));
    QApplication::exit(1);
    return;
  }
  w.lossPanel()->lossKindBox()->setCurrentIndex(2);  // focal, the paper's α and γ
  w.lossPanel()->alphaBox()->setValue(0.25);
  w.lossPanel()->gammaBox()->setValue(2.0);
  w.startTraining();
  p["trees"] = 100;
  w.modelPanel()->modelForm()->setValues(p);
  w.modelPanel()->foldsBox()->setValue(3);
  w.startScan({0.25, 0.5, 0.75, 0.93}, {0.0, 1.0, 2.0});
  m_pending = w.activeRuns();
  connect(m_window, &MainWindow::runFinished, this, [this] {
    if (--m_pending > 0) return;
    const QStringList keys = m_window->runKeys();
    // Overlay the two main runs (the first two trained in this session).
    QStringList mine;
    for (const QString& k : keys) {
      const ProjectRun* r = m_window->session()->project().findRun(k.toStdString());
      if (r && r->status == RunStatus::Done && !r->scan) mine << k;
    }
    m_window->runsView()->sortByColumn(RunsTableModel::Ap, Qt::DescendingOrder);
    m_window->setShownRuns(mine.mid(0, 2));
    m_window->selectRuns(mine.mid(0, 2));
    m_window->lossPanel()->alphaBox()->setValue(0.25);
    QTimer::singleShot(500, this, [this] { shoot(0); });
  });
}

void ScreenshotTour::shoot(int step) {
  static const char* plotNames[] = {"precision-recall", "roc-rejection", "score-histograms",
                                    "training-history", "significance"};
  MainWindow& w = *m_window;
  // The five plot tabs (the "Inputs and outputs" tab after them computes on demand; one name per
  // tab shot: counting every tab read past this list and wrote "docs/screenshots/.png").
  const int tabs = static_cast<int>(std::size(plotNames));
  auto save = [this, &w](const QString& name) {
    const QString path = QDir(m_dir).filePath(name + ".png");
    if (!w.grab().save(path)) qCritical("screenshots: cannot write %s", qPrintable(path));
    qInfo("wrote %s", qPrintable(path));
  };
  if (step > 0 && step <= tabs) save(plotNames[step - 1]);
  if (step == tabs + 1) save("rejection-log");
  if (step == tabs + 2) save("alpha-gamma-scan");
  if (step == tabs + 3) save("features");
  if (step == tabs + 3) {
    QApplication::quit();
    return;
  }
  if (step < tabs) {
    w.plotTabs()->setCurrentIndex(step);
  } else if (step == tabs) {
    w.plotTabs()->setCurrentIndex(1);
    w.findChild<QComboBox*>("rocModeBox")->setCurrentIndex(1);
  } else if (step == tabs + 1) {
    w.plotTabs()->setCurrentIndex(0);
    if (auto* d = w.findChild<QDockWidget*>("scanDock")) d->raise();
  } else if (step == tabs + 2) {
    if (auto* d = w.findChild<QDockWidget*>("featuresDock")) d->raise();
    if (auto* d = w.findChild<QDockWidget*>("modelDock")) d->raise();
  }
  QTimer::singleShot(400, this, [this, step] { shoot(step + 1); });
}

}  // namespace imbw
