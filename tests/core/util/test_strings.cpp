#include <QtTest/QtTest>

#include "core/util/strings.h"

class TestStrings : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void editDistanceByHand() {
    QCOMPARE(imbw::editDistance("kitten", "sitting"), std::size_t{3});
    QCOMPARE(imbw::editDistance("", "abc"), std::size_t{3});
    QCOMPARE(imbw::editDistance("mjj", "mjj"), std::size_t{0});
  }
  void didYouMean() {
    const std::vector<std::string> cols{"mjj", "pt_j1", "eta_j1", "dphi_jj"};
    QCOMPARE(QString::fromStdString(imbw::unknownNameMessage("column", "mjjj", cols)),
             QString("unknown column 'mjjj' (did you mean 'mjj'?)"));
    QCOMPARE(QString::fromStdString(imbw::unknownNameMessage("column", "PT_J1", cols)),
             QString("unknown column 'PT_J1' (did you mean 'pt_j1'?)"));
    QCOMPARE(QString::fromStdString(imbw::unknownNameMessage("column", "xyzzy", cols)),
             QString("unknown column 'xyzzy'"));
  }
};

QTEST_APPLESS_MAIN(TestStrings)
#include "test_strings.moc"
