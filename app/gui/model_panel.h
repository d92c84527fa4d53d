#pragma once

#include <QStringList>
#include <QWidget>

#include "core/learn/run_config.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace imbw {

class JsonForm;

/// The "Model" dock: the model kind and its hyper-parameters, cross-validation (folds, seed,
/// threads), the input transform and the calibration, the Train button and the message why a
/// run did not start. It reads and writes only those parts of a run's configuration.
class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(QWidget* parent = nullptr);

  /// The classes an input transform may be fitted on (besides all events).
  void setClasses(const QStringList& classes);
  /// Writes model, folds, seed (also the resampling's), threads, transform and calibration.
  void fillConfig(RunConfig& config) const;
  void applyConfig(const RunConfig& config);
  /// Shows why a run did not start (empty: hides the message).
  void showMessage(const QString& text);

  QComboBox* modelKindBox() const { return m_modelKind; }
  JsonForm* modelForm() const { return m_modelForm; }
  QSpinBox* foldsBox() const { return m_folds; }
  QSpinBox* threadsBox() const { return m_threads; }
  QComboBox* transformBox() const { return m_transform; }
  QComboBox* calibrationBox() const { return m_calibration; }

 Q_SIGNALS:
  void trainRequested();

 private:
  void setModelKind(const QString& kind);
  void enablePipeline();

  QComboBox* m_modelKind = nullptr;
  JsonForm* m_modelForm = nullptr;
  QSpinBox* m_folds = nullptr;
  QSpinBox* m_seed = nullptr;
  QSpinBox* m_threads = nullptr;
  QComboBox* m_transform = nullptr;
  QComboBox* m_transformClass = nullptr;
  QComboBox* m_calibration = nullptr;
  QDoubleSpinBox* m_calibrationFraction = nullptr;
  QLabel* m_message = nullptr;
};

}  // namespace imbw
