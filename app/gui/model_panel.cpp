// The "Model" dock: model kind and hyper-parameters, cross-validation, input transform and
// calibration, and the Train button.
#include "app/gui/model_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "app/gui/core_convert.h"
#include "core/learn/model.h"
#include "widgets/json_form.h"

namespace imbw {

namespace {

const char* kModelKinds[] = {"gbdt", "random_forest", "balanced_random_forest", "easy_ensemble",
                             "mlp",  "logistic",      "one_variable",           "autoencoder"};

}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QFormLayout;
  m_modelKind = new QComboBox(this);
  for (const char* k : kModelKinds) m_modelKind->addItem(k);
  m_modelKind->setToolTip(
      tr("gbdt: XGBoost boosted trees; random_forest / balanced_random_forest; "
         "easy_ensemble: balanced bagging of boosted trees; mlp: neural "
         "network; logistic; one_variable: a feature as the score; autoencoder: "
         "reconstruction error of a network trained without labels (anomaly score)"));
  top->addRow(tr("Model:"), m_modelKind);
  layout->addLayout(top);
  auto* params = new QGroupBox(tr("Hyper-parameters"), this);
  auto* pl = new QVBoxLayout(params);
  m_modelForm = new JsonForm(params);
  pl->addWidget(m_modelForm);
  layout->addWidget(params);
  auto* cv = new QGroupBox(tr("Cross-validation"), this);
  auto* cf = new QFormLayout(cv);
  m_folds = new QSpinBox(cv);
  m_folds->setRange(2, 20);
  m_folds->setValue(5);
  m_folds->setToolTip(
      tr("Stratified k folds: every event is scored once by a model that did "
         "not see it"));
  cf->addRow(tr("Folds:"), m_folds);
  m_seed = new QSpinBox(cv);
  m_seed->setRange(0, 1000000000);
  m_seed->setValue(1);
  m_seed->setToolTip(tr("Same seed, same data → identical results"));
  cf->addRow(tr("Seed:"), m_seed);
  m_threads = new QSpinBox(cv);
  m_threads->setRange(1, std::max(1, QThread::idealThreadCount()));
  m_threads->setValue(std::max(1, QThread::idealThreadCount()));
  m_threads->setToolTip(tr("Threads the model's numeric kernels use"));
  cf->addRow(tr("Threads:"), m_threads);
  layout->addWidget(cv);
  // Input transform and calibration: part of the run, fitted on each training fold, stored
  // with the fold models.
  auto* pipe = new QGroupBox(tr("Inputs and calibration"), this);
  auto* pf = new QFormLayout(pipe);
  m_transform = new QComboBox(pipe);
  for (const auto k : {InputTransformConfig::Kind::None, InputTransformConfig::Kind::Standardize,
                       InputTransformConfig::Kind::Decorrelate, InputTransformConfig::Kind::Pca,
                       InputTransformConfig::Kind::Gaussianize})
    m_transform->addItem(qs(inputTransformKindName(k)), static_cast<int>(k));
  m_transform->setToolTip(
      tr("Applied to the features before the model, fitted on the training fold only: "
         "standardize (mean 0, σ 1), decorrelate (the covariance's inverse square root), pca, "
         "gaussianize (rank → normal)"));
  pf->addRow(tr("Input transform:"), m_transform);
  m_transformClass = new QComboBox(pipe);
  m_transformClass->setToolTip(
      tr("Decorrelate / pca: the events whose covariance is used (all, or one class)"));
  pf->addRow(tr("Fitted on:"), m_transformClass);
  m_calibration = new QComboBox(pipe);
  for (const auto k : {CalibrationConfig::Kind::None, CalibrationConfig::Kind::Prior,
                       CalibrationConfig::Kind::Platt, CalibrationConfig::Kind::Isotonic})
    m_calibration->addItem(qs(calibrationKindName(k)), static_cast<int>(k));
  m_calibration->setToolTip(
      tr("Recalibrate the scores into probabilities: prior undoes the resampling or class "
         "weights exactly (odds ÷ the known factor); platt and isotonic are fitted on a part of "
         "the training fold held back from the model"));
  pf->addRow(tr("Calibration:"), m_calibration);
  m_calibrationFraction = new QDoubleSpinBox(pipe);
  m_calibrationFraction->setRange(0.05, 0.5);
  m_calibrationFraction->setSingleStep(0.05);
  m_calibrationFraction->setValue(0.2);
  m_calibrationFraction->setToolTip(
      tr("Platt / isotonic: the share of the training fold held "
         "back to fit the calibration"));
  pf->addRow(tr("Held back:"), m_calibrationFraction);
  layout->addWidget(pipe);
  connect(m_transform, &QComboBox::currentIndexChanged, this, &ModelPanel::enablePipeline);
  connect(m_calibration, &QComboBox::currentIndexChanged, this, &ModelPanel::enablePipeline);
  setClasses({});
  enablePipeline();
  m_message = new QLabel(this);
  m_message->setWordWrap(true);
  m_message->setStyleSheet("color: #b00020");
  m_message->hide();
  layout->addWidget(m_message);
  auto* train = new QPushButton(tr("Train (F5)"), this);
  train->setToolTip(tr("Start a run in the background; runs queue"));
  layout->addWidget(train);
  layout->addStretch();
  connect(train, &QPushButton::clicked, this, &ModelPanel::trainRequested);
  connect(m_modelKind, &QComboBox::currentTextChanged, this, &ModelPanel::setModelKind);
  setModelKind(m_modelKind->currentText());
}

void ModelPanel::enablePipeline() {
  const auto t = static_cast<InputTransformConfig::Kind>(m_transform->currentData().toInt());
  m_transformClass->setEnabled(t == InputTransformConfig::Kind::Decorrelate ||
                               t == InputTransformConfig::Kind::Pca);
  const auto c = static_cast<CalibrationConfig::Kind>(m_calibration->currentData().toInt());
  m_calibrationFraction->setEnabled(c == CalibrationConfig::Kind::Platt ||
                                    c == CalibrationConfig::Kind::Isotonic);
}

void ModelPanel::setClasses(const QStringList& classes) {
  const QString keep = m_transformClass->currentData().toString();
  QSignalBlocker b(m_transformClass);
  m_transformClass->clear();
  m_transformClass->addItem(tr("all events"), QString());
  for (const QString& c : classes) m_transformClass->addItem(c, c);
  m_transformClass->setCurrentIndex(std::max(0, m_transformClass->findData(keep)));
}

void ModelPanel::fillConfig(RunConfig& spec) const {
  spec.model = fromQJson(m_modelForm->values());
  spec.model["kind"] = ss(m_modelKind->currentText());
  spec.resample.seed = static_cast<std::uint64_t>(m_seed->value());
  spec.folds = m_folds->value();
  spec.seed = static_cast<std::uint64_t>(m_seed->value());
  spec.threads = m_threads->value();
  spec.transform.kind = static_cast<InputTransformConfig::Kind>(m_transform->currentData().toInt());
  if (m_transformClass->isEnabled())
    spec.transform.className = ss(m_transformClass->currentData().toString());
  spec.calibration.kind =
      static_cast<CalibrationConfig::Kind>(m_calibration->currentData().toInt());
  spec.calibration.fraction = m_calibrationFraction->value();
}

void ModelPanel::applyConfig(const RunConfig& spec) {
  m_modelKind->setCurrentText(qs(spec.model.value("kind", "gbdt")));
  nlohmann::json params = spec.model;
  params.erase("kind");
  m_modelForm->setValues(toQJson(params));
  m_folds->setValue(spec.folds);
  m_seed->setValue(static_cast<int>(spec.seed));
  m_threads->setValue(spec.threads);
  m_transform->setCurrentIndex(m_transform->findData(static_cast<int>(spec.transform.kind)));
  m_transformClass->setCurrentIndex(
      std::max(0, m_transformClass->findData(qs(spec.transform.className))));
  m_calibration->setCurrentIndex(m_calibration->findData(static_cast<int>(spec.calibration.kind)));
  m_calibrationFraction->setValue(spec.calibration.fraction);
}

void ModelPanel::showMessage(const QString& text) {
  m_message->setText(text);
  m_message->setVisible(!text.isEmpty());
}

void ModelPanel::setModelKind(const QString& kind) {
  m_message->hide();
  try {
    auto model = makeModel({{"kind", ss(kind)}});
    nlohmann::json cfg = model->config();
    cfg.erase("kind");
    cfg.erase("loss");  // the loss comes from the Imbalance & loss panel
    m_modelForm->setObject(toQJson(cfg), {"seed", "threads"});
  } catch (const std::exception& e) {
    m_modelForm->setObject({});
    m_message->setText(qs(e.what()));
    m_message->show();
  }
}

}  // namespace imbw
