#include "app/gui/cluster_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/gui/core_convert.h"
#include "core/cluster/cluster_state.h"
#include "core/util/error.h"

namespace imbw {

ClusterDialog::ClusterDialog(const QString& projectPath, const QString& what, QWidget* parent)
    : QDialog(parent),
      m_key("cluster/" + QString(projectPath).replace('/', '|')),
      m_partition(new QLineEdit(this)),
      m_time(new QLineEdit(this)),
      m_memory(new QLineEdit(this)),
      m_cpus(new QSpinBox(this)),
      m_maxParallel(new QSpinBox(this)),
      m_dryRun(
          new QCheckBox(tr("Dry run: write the specs and the batch script, submit nothing"), this)),
      m_problem(new QLabel(this)) {
  setWindowTitle(tr("Run on cluster"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      tr("Submits %1 to Slurm as one job array (one array task per fold), as "
         "<tt>imbalance-cli submit --slurm</tt> does. The specs, the batch script, the logs and "
         "the results go to the folder beside the project:<br><tt>%2</tt>")
          .arg(what.toHtmlEscaped(), qs(clusterFolder(ss(projectPath))).toHtmlEscaped()),
      this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* form = new QFormLayout;
  m_partition->setPlaceholderText(tr("the cluster's default"));
  m_time->setPlaceholderText(tr("e.g. 30 (minutes) or 2:00:00"));
  m_memory->setPlaceholderText(tr("e.g. 4G"));
  m_cpus->setRange(1, 256);
  m_maxParallel->setRange(0, 100000);
  m_maxParallel->setSpecialValueText(tr("no limit"));
  form->addRow(tr("Partition:"), m_partition);
  form->addRow(tr("Time per task:"), m_time);
  form->addRow(tr("Memory per task:"), m_memory);
  form->addRow(tr("CPUs per task:"), m_cpus);
  form->addRow(tr("At most at once:"), m_maxParallel);
  layout->addLayout(form);
  layout->addWidget(m_dryRun);
  m_problem->setStyleSheet("color: #b00020");
  m_problem->setWordWrap(true);
  layout->addWidget(m_problem);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Submit"));
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    const QString why = problem();
    m_problem->setText(why);
    if (why.isEmpty()) {
      remember();
      accept();
    }
  });
  connect(m_dryRun, &QCheckBox::toggled, this, [buttons](bool dry) {
    buttons->button(QDialogButtonBox::Ok)->setText(dry ? tr("Write") : tr("Submit"));
  });

  QSettings s;
  m_partition->setText(s.value(m_key + "/partition").toString());
  m_time->setText(s.value(m_key + "/time").toString());
  m_memory->setText(s.value(m_key + "/memory").toString());
  m_cpus->setValue(s.value(m_key + "/cpus", 1).toInt());
  m_maxParallel->setValue(s.value(m_key + "/maxParallel", 0).toInt());
  m_dryRun->setChecked(s.value(m_key + "/dryRun", false).toBool());
}

SlurmOptions ClusterDialog::options() const {
  SlurmOptions o;
  o.partition = ss(m_partition->text().trimmed());
  o.time = ss(m_time->text().trimmed());
  o.memory = ss(m_memory->text().trimmed());
  o.cpus = m_cpus->value();
  o.maxParallel = m_maxParallel->value();
  return o;
}

bool ClusterDialog::dryRun() const {
  return m_dryRun->isChecked();
}

QString ClusterDialog::problem() const {
  try {
    validateSlurmOptions(options());
  } catch (const Error& e) {
    return qs(e.what());
  }
  return {};
}

void ClusterDialog::remember() const {
  QSettings s;
  s.setValue(m_key + "/partition", m_partition->text().trimmed());
  s.setValue(m_key + "/time", m_time->text().trimmed());
  s.setValue(m_key + "/memory", m_memory->text().trimmed());
  s.setValue(m_key + "/cpus", m_cpus->value());
  s.setValue(m_key + "/maxParallel", m_maxParallel->value());
  s.setValue(m_key + "/dryRun", m_dryRun->isChecked());
}

}  // namespace imbw
