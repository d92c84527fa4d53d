#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include "app/gui/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("ImbalanceWorkbench");
  QApplication::setApplicationName("imbalance-workbench");
  QApplication::setApplicationVersion("0.1.0");
  QCommandLineParser parser;
  parser.setApplicationDescription("Class-imbalance workbench for particle physics");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("file", "analysis or project file (.json) to open");
  parser.process(app);
  imbw::MainWindow window;
  window.show();
  if (!parser.positionalArguments().isEmpty())
    window.openFile(QFileInfo(parser.positionalArguments().first()).absoluteFilePath());
  return app.exec();
}
