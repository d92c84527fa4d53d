#include "widgets/about_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace imbw {

namespace {

QList<AboutComponent> withQt(const AboutInfo& info) {
  QString qt = QString::fromLatin1(qVersion());
  if (qt != QLatin1String(QT_VERSION_STR))
    qt += QStringLiteral(" (built with %1)").arg(QLatin1String(QT_VERSION_STR));
  QList<AboutComponent> all{{QStringLiteral("Qt"), qt, QStringLiteral("LGPL-3.0-only"),
                             QStringLiteral("https://www.qt.io")}};
  all += info.components;
  return all;
}

}  // namespace

AboutDialog::AboutDialog(const AboutInfo& info, QWidget* parent) : QDialog(parent), m_info(info) {
  setWindowTitle(tr("About %1").arg(info.program));
  auto* layout = new QVBoxLayout(this);
  auto* title = new QLabel(QStringLiteral("<h2>%1 %2</h2>")
                               .arg(info.program.toHtmlEscaped(), info.version.toHtmlEscaped()),
                           this);
  title->setObjectName(QStringLiteral("aboutTitle"));
  title->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(title);
  if (!info.description.isEmpty()) {
    auto* description = new QLabel(info.description, this);
    description->setWordWrap(true);
    layout->addWidget(description);
  }
  if (!info.licence.isEmpty()) {
    auto* licence = new QLabel(tr("Licence: %1").arg(info.licence), this);
    licence->setObjectName(QStringLiteral("aboutLicence"));
    layout->addWidget(licence);
  }
  layout->addWidget(new QLabel(tr("Built on:"), this));

  const QList<AboutComponent> components = withQt(info);
  m_table = new QTableWidget(static_cast<int>(components.size()), 3, this);
  m_table->setObjectName(QStringLiteral("aboutComponents"));
  m_table->setHorizontalHeaderLabels({tr("Component"), tr("Version"), tr("Licence")});
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
  for (int r = 0; r < components.size(); ++r) {
    const AboutComponent& c = components[r];
    auto* name = new QTableWidgetItem(c.name);
    if (!c.url.isEmpty()) name->setToolTip(c.url);
    m_table->setItem(r, 0, name);
    m_table->setItem(r, 1, new QTableWidgetItem(c.version));
    m_table->setItem(r, 2, new QTableWidgetItem(c.licence));
  }
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(m_table);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
  copy->setObjectName(QStringLiteral("aboutCopy"));
  connect(copy, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(plainText()); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(520, 420);
}

QString AboutDialog::plainText() const {
  QString s = m_info.program + QLatin1Char(' ') + m_info.version + QLatin1Char('\n');
  if (!m_info.licence.isEmpty()) s += tr("Licence: %1").arg(m_info.licence) + QLatin1Char('\n');
  for (const AboutComponent& c : withQt(m_info))
    s += QStringLiteral("%1 %2 (%3)\n").arg(c.name, c.version, c.licence);
  return s;
}

}  // namespace imbw
