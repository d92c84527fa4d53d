// The About dialog and the welcome page: contents, signals and the plain-text copy.

#include <QtTest/QtTest>

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>

#include "widgets/about_dialog.h"
#include "widgets/welcome_page.h"

class TestAboutWelcome : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void aboutListsQtAndTheGivenComponents() {
    imbw::AboutInfo info;
    info.version = QStringLiteral("0.1.0");
    info.licence = QStringLiteral("MIT");
    info.components = {{"HDF5", "1.10.8", "BSD-3-Clause", ""},
                       {"XGBoost", "1.7.4", "Apache-2.0", "https://xgboost.ai"},
                       {"Eigen", "3.4.0", "MPL-2.0", ""}};
    imbw::AboutDialog dialog(info);
    QVERIFY(dialog.windowTitle().contains("Imbalance Workbench"));
    auto* title = dialog.findChild<QLabel*>("aboutTitle");
    QVERIFY(title && title->text().contains("0.1.0"));
    QTableWidget* t = dialog.componentTable();
    QCOMPARE(t->rowCount(), 4);
    QCOMPARE(t->item(0, 0)->text(), QStringLiteral("Qt"));
    QVERIFY(t->item(0, 1)->text().startsWith(QString::fromLatin1(qVersion())));
    QCOMPARE(t->item(0, 2)->text(), QStringLiteral("LGPL-3.0-only"));
    QCOMPARE(t->item(2, 0)->text(), QStringLiteral("XGBoost"));
    QCOMPARE(t->item(2, 1)->text(), QStringLiteral("1.7.4"));
    QCOMPARE(t->item(2, 2)->text(), QStringLiteral("Apache-2.0"));
    QCOMPARE(t->item(2, 0)->toolTip(), QStringLiteral("https://xgboost.ai"));

    auto* copy = dialog.findChild<QPushButton*>("aboutCopy");
    QVERIFY(copy);
    copy->click();
    const QString text = QApplication::clipboard()->text();
    QVERIFY2(text.startsWith("Imbalance Workbench 0.1.0\nLicence: MIT\nQt "), qPrintable(text));
    QVERIFY(text.contains("HDF5 1.10.8 (BSD-3-Clause)\n"));
    QVERIFY(text.contains("Eigen 3.4.0 (MPL-2.0)\n"));
  }

  void welcomeEmitsItsSignals() {
    imbw::WelcomePage page;
    QSignalSpy example(&page, &imbw::WelcomePage::openExample);
    QSignalSpy file(&page, &imbw::WelcomePage::openFile);
    QSignalSpy recent(&page, &imbw::WelcomePage::openRecent);
    page.findChild<QPushButton*>("welcomeOpenExample")->click();
    page.findChild<QPushButton*>("welcomeOpenFile")->click();
    QCOMPARE(example.count(), 1);
    QCOMPARE(file.count(), 1);

    QTemporaryDir dir;
    const QString existing = dir.filePath("higgs.imbw.json");
    QFile f(existing);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const QString gone = dir.filePath("deleted.imbw.json");
    page.setRecentProjects({existing, gone});
    auto* list = page.findChild<QListWidget*>("welcomeRecent");
    QCOMPARE(list->count(), 2);
    QCOMPARE(list->item(0)->text(), QStringLiteral("higgs.imbw.json"));
    QVERIFY(list->item(0)->flags() & Qt::ItemIsEnabled);
    QVERIFY(!(list->item(1)->flags() & Qt::ItemIsEnabled));
    QVERIFY(list->item(1)->toolTip().contains("no longer exists"));
    Q_EMIT list->itemActivated(list->item(1));  // a missing file is not opened
    QCOMPARE(recent.count(), 0);
    Q_EMIT list->itemActivated(list->item(0));
    QCOMPARE(recent.count(), 1);
    QCOMPARE(recent.at(0).at(0).toString(), existing);
    QCOMPARE(page.recentProjects(), (QStringList{existing, gone}));

    page.setRecentProjects({});
    QCOMPARE(list->count(), 1);  // "No recent projects yet", not selectable
    QCOMPARE(list->item(0)->flags(), Qt::NoItemFlags);
  }

  void welcomeGuideAndMissingExample() {
    imbw::WelcomePage page;
    auto* guide = page.findChild<QLabel*>("welcomeGuide");
    QVERIFY(guide);
    QCOMPARE(guide->text().count("<li>"), 5);
    page.setExampleAvailable(false);
    auto* example = page.findChild<QPushButton*>("welcomeOpenExample");
    QVERIFY(!example->isEnabled());
    QVERIFY(example->text().contains("not installed"));
  }
};

QTEST_MAIN(TestAboutWelcome)
#include "test_about_welcome.moc"
