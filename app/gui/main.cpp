#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

#include "app/gui/main_window.h"
#include "app/gui/screenshot_tour.h"
#include "core/util/openmp_env.h"

int main(int argc, char** argv) {
  imbw::preferShortOpenMpSpin(argv);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("ImbalanceWorkbench");
  QApplication::setApplicationName("imbalance-workbench");
  QApplication::setApplicationVersion("0.1.0");
  QCommandLineParser parser;
  parser.setApplicationDescription("Class-imbalance workbench for particle physics");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("file", "analysis or project file (.json) to open");
  QCommandLineOption shots("screenshots",
                           "Train the file's example runs, save one PNG per main view into "
                           "<dir>, and quit.",
                           "dir");
  parser.addOption(shots);
  QCommandLineOption smoke("smoke",
                           "Open the window (and the file, if given), print its title once the "
                           "event loop runs, and quit: checks that an installed program starts.");
  parser.addOption(smoke);
  parser.process(app);
  imbw::MainWindow window;  // the screenshot tour too: the first-start size for its screen
  window.show();
  const QStringList args = parser.positionalArguments();
  if (parser.isSet(shots)) {
    if (args.isEmpty()) parser.showHelp(2);
    auto* tour = new imbw::ScreenshotTour(&window, parser.value(shots),
                                          QFileInfo(args.first()).absoluteFilePath());
    tour->start();
  } else if (!args.isEmpty()) {
    window.openFile(QFileInfo(args.first()).absoluteFilePath());
  }
  if (parser.isSet(smoke)) {
    QTimer::singleShot(0, &app, [&window] {
      QTextStream(stdout) << "smoke: window '" << window.windowTitle() << "' opened\n";
      QApplication::quit();
    });
  }
  return app.exec();
}
