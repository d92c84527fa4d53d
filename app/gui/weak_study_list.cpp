#include "app/gui/weak_study_list.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QPushButton>
#include <QSignalBlocker>

#include "app/gui/analysis_session.h"
#include "app/gui/core_convert.h"
#include "core/util/error.h"

namespace imbw {

WeakStudyList::WeakStudyList(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  m_box = new QComboBox;
  m_box->setToolTip(
      tr("The project's studies: every finished run is kept (Save keeps it in the project)"));
  m_box->setAccessibleName(tr("Studies of the project"));
  m_box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_box->setMinimumContentsLength(12);
  m_rename = new QPushButton(tr("Rename…"));
  m_rename->setToolTip(tr("Give the chosen study another name"));
  m_delete = new QPushButton(tr("Delete"));
  m_delete->setToolTip(
      tr("Remove the chosen study and its results from the project (until you save, closing "
         "without saving keeps it)"));
  row->addWidget(m_box, 1);
  row->addWidget(m_rename);
  row->addWidget(m_delete);
  connect(m_box, &QComboBox::activated, this,
          [this](int k) { Q_EMIT chosen(m_box->itemData(k).toString()); });
  connect(m_rename, &QPushButton::clicked, this, &WeakStudyList::askRename);
  connect(m_delete, &QPushButton::clicked, this, [this] {
    const QString id = currentId();
    if (!id.isEmpty()) removeStudy(id);
  });
  updateButtons();
}

QString WeakStudyList::currentId() const {
  return m_box->currentData().toString();
}

void WeakStudyList::updateButtons() {
  m_rename->setEnabled(m_box->count() > 0);
  m_delete->setEnabled(m_box->count() > 0);
}

void WeakStudyList::refresh(const QString& select) {
  {
    const QSignalBlocker b(m_box);
    m_box->clear();
    if (m_session->hasProject())
      for (const WeakStudy& st : m_session->project().studies)
        m_box->addItem(qs(st.name), qs(st.id));
    const int k = m_box->findData(select);
    m_box->setCurrentIndex(k >= 0 ? k : m_box->count() - 1);
  }
  updateButtons();
}

void WeakStudyList::askRename() {
  const QString id = currentId();
  if (id.isEmpty() || !m_session->hasProject()) return;
  const WeakStudy* st = m_session->project().findStudy(ss(id));
  if (!st) return;
  bool ok = false;
  const QString name =
      QInputDialog::getText(this, tr("Rename study"), tr("New name of %1:").arg(qs(st->id)),
                            QLineEdit::Normal, qs(st->name), &ok);
  if (ok) renameStudy(id, name);
}

bool WeakStudyList::renameStudy(const QString& id, const QString& name) {
  if (!m_session->hasProject()) return false;
  try {
    m_session->project().renameStudy(ss(id), ss(name));
  } catch (const Error& e) {
    Q_EMIT message(tr("Not renamed: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  m_session->edited();
  refresh(id);
  Q_EMIT message(tr("%1 is now called '%2' (Save keeps it).").arg(id, name.trimmed()));
  return true;
}

bool WeakStudyList::removeStudy(const QString& id) {
  if (!m_session->hasProject()) return false;
  const WeakStudy* st = m_session->project().findStudy(ss(id));
  if (!st) return false;
  const QString name = qs(st->name);
  m_session->project().removeStudy(ss(id));
  m_session->setStudyResult(ss(id), nullptr);  // tells the session it changed
  refresh({});
  Q_EMIT message(tr("Deleted %1 '%2' (Save makes it final).").arg(id, name));
  Q_EMIT removed(id);
  return true;
}

}  // namespace imbw
