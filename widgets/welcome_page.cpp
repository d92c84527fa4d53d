#include "widgets/welcome_page.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace imbw {

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
  auto* outer = new QHBoxLayout(this);
  auto* left = new QVBoxLayout;
  auto* title = new QLabel(tr("<h1>Imbalance Workbench</h1>"
                              "<p>Pull a rare signal out of a large background.</p>"),
                           this);
  left->addWidget(title);

  m_example = new QPushButton(tr("Open the WW example"), this);
  m_example->setObjectName(QStringLiteral("welcomeOpenExample"));
  m_example->setToolTip(
      tr("The WW polarisation sample of Murphy (2019) with the 12 runs of its "
         "Table 1"));
  connect(m_example, &QPushButton::clicked, this, &WelcomePage::openExample);
  auto* open = new QPushButton(tr("Open a file…"), this);
  open->setObjectName(QStringLiteral("welcomeOpenFile"));
  connect(open, &QPushButton::clicked, this, &WelcomePage::openFile);
  left->addWidget(m_example);
  left->addWidget(open);

  left->addWidget(new QLabel(tr("<h3>Recent projects</h3>"), this));
  m_list = new QListWidget(this);
  m_list->setObjectName(QStringLiteral("welcomeRecent"));
  connect(m_list, &QListWidget::itemActivated, this, &WelcomePage::activate);
  left->addWidget(m_list, 1);
  outer->addLayout(left, 1);

  auto* guide = new QLabel(
      tr("<h3>A first analysis in five steps</h3><ol>"
         "<li><b>Samples</b>: add HDF5 files (or drop them on the window) and give each file, "
         "or each value of its label column, a class; pick the signal class.</li>"
         "<li><b>Selection</b>: type a cut such as <code>mjj &gt; 200</code>; the yields per "
         "class update as you type.</li>"
         "<li><b>Features</b>: tick the input columns, add derived ones with expressions "
         "(<code>deltaR(eta1, phi1, eta2, phi2)</code>).</li>"
         "<li><b>Imbalance and model</b>: choose resampling or class weights, the loss (focal "
         "loss: α weights the signal, γ focuses on hard events) and the model, then "
         "<b>Train</b> (F5). Runs train in the background, k folds each.</li>"
         "<li><b>Judge and export</b>: compare runs in the precision-recall, rejection, score "
         "and significance plots and the runs table (mean ± std over folds); export plots, the "
         "table, the scores and the models.</li></ol>"),
      this);
  guide->setObjectName(QStringLiteral("welcomeGuide"));
  guide->setWordWrap(true);
  guide->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  outer->addWidget(guide, 1);
  setRecentProjects({});
}

void WelcomePage::setRecentProjects(const QStringList& paths) {
  m_recent = paths;
  m_list->clear();
  if (paths.isEmpty()) {
    auto* none = new QListWidgetItem(tr("No recent projects yet"), m_list);
    none->setFlags(Qt::NoItemFlags);
    return;
  }
  for (const QString& path : paths) {
    const QFileInfo info(path);
    auto* item = new QListWidgetItem(info.fileName(), m_list);
    item->setData(Qt::UserRole, path);
    const QString shown = QDir::toNativeSeparators(path);
    if (info.exists()) {
      item->setToolTip(shown);
    } else {
      item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
      item->setToolTip(tr("%1 (no longer exists)").arg(shown));
    }
  }
}

void WelcomePage::setExampleAvailable(bool available) {
  m_example->setEnabled(available);
  m_example->setText(available ? tr("Open the WW example")
                               : tr("Open the WW example (not installed)"));
}

void WelcomePage::activate(QListWidgetItem* item) {
  if (!item || !(item->flags() & Qt::ItemIsEnabled)) return;
  const QString path = item->data(Qt::UserRole).toString();
  if (!path.isEmpty()) Q_EMIT openRecent(path);
}

}  // namespace imbw
