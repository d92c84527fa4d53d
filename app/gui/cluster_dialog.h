#pragma once

#include <QDialog>
#include <QString>

#include "core/cluster/slurm_script.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace imbw {

/// Run ▸ "Run on cluster…": the settings of `imbalance-cli submit --slurm` (partition, time,
/// memory, cpus per task, max parallel tasks, dry run) for the chosen runs. Remembered per
/// project (QSettings, keyed by the project file).
class ClusterDialog : public QDialog {
  Q_OBJECT
 public:
  ClusterDialog(const QString& projectPath, const QString& what, QWidget* parent = nullptr);

  SlurmOptions options() const;
  bool dryRun() const;
  /// Checks the values as submit does; the reason, or empty.
  QString problem() const;
  /// Stores the values for this project.
  void remember() const;

  QLineEdit* partitionEdit() const { return m_partition; }
  QLineEdit* timeEdit() const { return m_time; }
  QLineEdit* memoryEdit() const { return m_memory; }
  QSpinBox* cpusBox() const { return m_cpus; }
  QSpinBox* maxParallelBox() const { return m_maxParallel; }
  QCheckBox* dryRunBox() const { return m_dryRun; }

 private:
  QString m_key;
  QLineEdit* m_partition;
  QLineEdit* m_time;
  QLineEdit* m_memory;
  QSpinBox* m_cpus;
  QSpinBox* m_maxParallel;
  QCheckBox* m_dryRun;
  QLabel* m_problem;
};

}  // namespace imbw
