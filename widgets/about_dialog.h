#pragma once

#include <QDialog>
#include <QList>
#include <QString>

class QTableWidget;

namespace imbw {

/// One line of the About dialog's table: a library, a data set, ...
struct AboutComponent {
  QString name;
  QString version;
  QString licence;  ///< SPDX expression, e.g. "Apache-2.0"
  QString url;
};

/// What the About dialog shows. The window fills it (core's libraryVersions() for HDF5,
/// XGBoost, Eigen, JSON; the example data's licence); the dialog adds Qt itself.
struct AboutInfo {
  QString program = QStringLiteral("Imbalance Workbench");
  QString version;
  QString description;
  QString licence;  ///< the program's own licence
  QList<AboutComponent> components;
};

/// Help ▸ About: the program, its version and licence, and a table of the libraries it runs on
/// (Qt at run time and at build time, then AboutInfo::components) with their licences.
/// "Copy" puts the same as plain text on the clipboard, for bug reports.
class AboutDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AboutDialog(const AboutInfo& info, QWidget* parent = nullptr);

  QTableWidget* componentTable() const { return m_table; }
  /// The dialog's content as plain text (what Copy puts on the clipboard).
  QString plainText() const;

 private:
  AboutInfo m_info;
  QTableWidget* m_table;
};

}  // namespace imbw
