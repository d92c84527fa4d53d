// The window's setup panels: resampling of the training folds, the loss (α, γ with the live
// loss curve), the model and its hyper-parameters, cross-validation; and the run configuration
// they define together.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <cmath>

#include "app/gui/core_convert.h"
#include "app/gui/main_window.h"

#include "app/gui/class_subsample_box.h"
#include "core/learn/model.h"
#include "widgets/json_form.h"
#include "widgets/loss_curve_view.h"

namespace imbw {

namespace {

const char* kModelKinds[] = {"gbdt", "random_forest", "balanced_random_forest", "easy_ensemble",
                             "mlp",  "logistic",      "one_variable",           "autoencoder"};

}  // namespace

QWidget* MainWindow::buildLossPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* resample = new QGroupBox(tr("Resampling of the training folds"), w);
  auto* rf = new QFormLayout(resample);
  m_resampleKind = new QComboBox(resample);
  const std::pair<ResampleKind, const char*> kinds[] = {
      {ResampleKind::None, "Training fold as it is"},
      {ResampleKind::ClassReweight, "Scale event weights so the classes weigh the same"},
      {ResampleKind::RandomUnder, "Drop majority events at random (weights rescaled)"},
      {ResampleKind::RandomOver, "Duplicate minority events (weights shared among copies)"},
      {ResampleKind::Smote, "Synthetic minority events between neighbours (SMOTE)"},
      {ResampleKind::Adasyn, "SMOTE focused on hard regions (ADASYN)"},
      {ResampleKind::Tomek, "Remove majority members of Tomek links"},
      {ResampleKind::SmoteTomek, "SMOTE, then remove Tomek links"},
      {ResampleKind::BalancedBagging, "A fresh balanced under-sample per ensemble member"}};
  for (const auto& [kind, tip] : kinds) {
    m_resampleKind->addItem(qs(resampleKindName(kind)), static_cast<int>(kind));
    m_resampleKind->setItemData(m_resampleKind->count() - 1, tr(tip), Qt::ToolTipRole);
  }
  m_resampleKind->setToolTip(tr("Touches the training folds only; test folds stay as they are"));
  rf->addRow(tr("Strategy:"), m_resampleKind);
  m_resampleRatio = new QDoubleSpinBox(resample);
  m_resampleRatio->setRange(0.01, 1.0);
  m_resampleRatio->setSingleStep(0.05);
  m_resampleRatio->setValue(1.0);
  m_resampleRatio->setToolTip(tr("Minority : majority count ratio after resampling (1 = equal)"));
  rf->addRow(tr("Target ratio:"), m_resampleRatio);
  m_resampleK = new QSpinBox(resample);
  m_resampleK->setRange(1, 100);
  m_resampleK->setValue(5);
  m_resampleK->setToolTip(tr("Nearest neighbours SMOTE and ADASYN interpolate between"));
  rf->addRow(tr("Neighbours k:"), m_resampleK);
  m_negativeWeights = new QComboBox(resample);
  m_negativeWeights->addItems({"keep", "drop", "abs"});
  m_negativeWeights->setToolTip(
      tr("Training only: keep negative weights, drop those events, or use |w|. Evaluation "
         "always uses the signed weights."));
  rf->addRow(tr("Negative weights:"), m_negativeWeights);
  layout->addWidget(resample);

  auto* loss = new QGroupBox(tr("Loss"), w);
  auto* lf = new QFormLayout(loss);
  m_lossKind = new QComboBox(loss);
  m_lossKind->addItem(tr("Cross entropy"), "cross_entropy");
  m_lossKind->setItemData(0, tr("−ln p_t: every event counts the same"), Qt::ToolTipRole);
  m_lossKind->addItem(tr("Weighted cross entropy"), "weighted_cross_entropy");
  m_lossKind->setItemData(1, tr("−α_t ln p_t: α weighs the signal class, 1 − α the background"),
                          Qt::ToolTipRole);
  m_lossKind->addItem(tr("Focal loss"), "focal");
  m_lossKind->setItemData(
      2, tr("−α_t (1 − p_t)^γ ln p_t: γ > 0 turns down the loss of well-classified events"),
      Qt::ToolTipRole);
  lf->addRow(tr("Loss:"), m_lossKind);
  m_alpha = new QDoubleSpinBox(loss);
  m_alpha->setRange(0.0, 1.0);
  m_alpha->setDecimals(3);
  m_alpha->setSingleStep(0.01);
  m_alpha->setValue(0.5);
  m_alpha->setToolTip(tr("α multiplies the signal loss, 1 − α the background loss"));
  m_alphaSlider = new QSlider(Qt::Horizontal, loss);
  m_alphaSlider->setRange(0, 1000);
  m_alphaSlider->setValue(500);
  auto* alphaRow = new QHBoxLayout;
  alphaRow->addWidget(m_alpha);
  alphaRow->addWidget(m_alphaSlider, 1);
  m_alphaFromR = new QPushButton(tr("α = 1 − r"), loss);
  m_alphaFromR->setToolTip(
      tr("Balance the classes: α = 1 − r with r the signal fraction (by "
         "weight) after the cut"));
  alphaRow->addWidget(m_alphaFromR);
  lf->addRow(tr("α:"), alphaRow);
  m_gamma = new QDoubleSpinBox(loss);
  m_gamma->setRange(0.0, 10.0);
  m_gamma->setDecimals(2);
  m_gamma->setSingleStep(0.1);
  m_gamma->setToolTip(tr("Focusing γ ≥ 0: larger γ puts the weight on badly classified events"));
  m_gammaSlider = new QSlider(Qt::Horizontal, loss);
  m_gammaSlider->setRange(0, 1000);
  auto* gammaRow = new QHBoxLayout;
  gammaRow->addWidget(m_gamma);
  gammaRow->addWidget(m_gammaSlider, 1);
  lf->addRow(tr("γ:"), gammaRow);
  layout->addWidget(loss);
  m_lossView = new LossCurveView(w);
  layout->addWidget(m_lossView, 1);

  connect(m_alpha, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    QSignalBlocker b(m_alphaSlider);
    m_alphaSlider->setValue(static_cast<int>(std::lround(v * 1000)));
    updateLossPlot();
  });
  connect(m_alphaSlider, &QSlider::valueChanged, this,
          [this](int v) { m_alpha->setValue(v / 1000.0); });
  connect(m_gamma, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    QSignalBlocker b(m_gammaSlider);
    m_gammaSlider->setValue(static_cast<int>(std::lround(v * 100)));
    updateLossPlot();
  });
  connect(m_gammaSlider, &QSlider::valueChanged, this,
          [this](int v) { m_gamma->setValue(v / 100.0); });
  connect(m_lossKind, &QComboBox::currentIndexChanged, this, &MainWindow::updateLossPlot);
  connect(m_alphaFromR, &QPushButton::clicked, this, [this] {
    const auto y = currentYields();
    if (!y) return;
    const double r = y->ratioByWeight();
    if (std::isfinite(r)) m_alpha->setValue(1.0 - r);
  });
  layout->insertWidget(0, new ClassSubsampleBox(this));  // issue 13: the controlled imbalance
  return w;
}

QWidget* MainWindow::buildModelPanel() {
  auto* w = new QWidget(this);
  auto* layout = new QVBoxLayout(w);
  auto* top = new QFormLayout;
  m_modelKind = new QComboBox(w);
  for (const char* k : kModelKinds) m_modelKind->addItem(k);
  m_modelKind->setToolTip(
      tr("gbdt: XGBoost boosted trees; random_forest / balanced_random_forest; "
         "easy_ensemble: balanced bagging of boosted trees; mlp: neural "
         "network; logistic; one_variable: a feature as the score; autoencoder: "
         "reconstruction error of a network trained without labels (anomaly score)"));
  top->addRow(tr("Model:"), m_modelKind);
  layout->addLayout(top);
  auto* params = new QGroupBox(tr("Hyper-parameters"), w);
  auto* pl = new QVBoxLayout(params);
  m_modelForm = new JsonForm(params);
  pl->addWidget(m_modelForm);
  layout->addWidget(params);
  auto* cv = new QGroupBox(tr("Cross-validation"), w);
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
  auto* pipe = new QGroupBox(tr("Inputs and calibration"), w);
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
  const auto enablePipeline = [this] {
    const auto t = static_cast<InputTransformConfig::Kind>(m_transform->currentData().toInt());
    m_transformClass->setEnabled(t == InputTransformConfig::Kind::Decorrelate ||
                                 t == InputTransformConfig::Kind::Pca);
    const auto c = static_cast<CalibrationConfig::Kind>(m_calibration->currentData().toInt());
    m_calibrationFraction->setEnabled(c == CalibrationConfig::Kind::Platt ||
                                      c == CalibrationConfig::Kind::Isotonic);
  };
  connect(m_transform, &QComboBox::currentIndexChanged, this, enablePipeline);
  connect(m_calibration, &QComboBox::currentIndexChanged, this, enablePipeline);
  refreshTransformClasses();
  enablePipeline();
  m_modelMessage = new QLabel(w);
  m_modelMessage->setWordWrap(true);
  m_modelMessage->setStyleSheet("color: #b00020");
  m_modelMessage->hide();
  layout->addWidget(m_modelMessage);
  m_trainButton = new QPushButton(tr("Train (F5)"), w);
  m_trainButton->setToolTip(tr("Start a run in the background; runs queue"));
  layout->addWidget(m_trainButton);
  layout->addStretch();
  connect(m_trainButton, &QPushButton::clicked, this, [this] { startTraining(); });
  connect(m_modelKind, &QComboBox::currentTextChanged, this, &MainWindow::setModelKind);
  setModelKind(m_modelKind->currentText());
  return w;
}

void MainWindow::updateLossPlot() {
  const QString kind = m_lossKind->currentData().toString();
  const double a = m_alpha->value();
  const double g = m_gamma->value();
  m_alpha->setEnabled(kind != "cross_entropy");
  m_alphaSlider->setEnabled(kind != "cross_entropy");
  m_alphaFromR->setEnabled(kind != "cross_entropy");
  m_gamma->setEnabled(kind == "focal");
  m_gammaSlider->setEnabled(kind == "focal");
  if (kind == "cross_entropy")
    m_lossView->setLoss(1.0, 1.0, 0.0);
  else if (kind == "weighted_cross_entropy")
    m_lossView->setLoss(a, 1.0 - a, 0.0);
  else
    m_lossView->setLoss(a, 1.0 - a, g);
}

void MainWindow::setModelKind(const QString& kind) {
  m_modelMessage->hide();
  try {
    auto model = makeModel({{"kind", ss(kind)}});
    nlohmann::json cfg = model->config();
    cfg.erase("kind");
    cfg.erase("loss");  // the loss comes from the Imbalance & loss panel
    m_modelForm->setObject(toQJson(cfg), {"seed", "threads"});
  } catch (const std::exception& e) {
    m_modelForm->setObject({});
    m_modelMessage->setText(qs(e.what()));
    m_modelMessage->show();
  }
}

std::optional<RunConfig> MainWindow::currentRunConfig(QString* why) {
  RunConfig spec;
  spec.model = fromQJson(m_modelForm->values());
  spec.model["kind"] = ss(m_modelKind->currentText());
  spec.loss.kind = lossKindFromName(ss(m_lossKind->currentData().toString()));
  spec.loss.alpha = m_alpha->value();
  spec.loss.gamma = m_gamma->value();
  spec.resample.kind = static_cast<ResampleKind>(m_resampleKind->currentData().toInt());
  spec.resample.ratio = m_resampleRatio->value();
  spec.resample.k = m_resampleK->value();
  spec.resample.negativeWeights =
      negativeWeightPolicyFromName(ss(m_negativeWeights->currentText()));
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
  try {
    spec.loss.validate();
    spec.resample.validate();
    makeModel(spec.model);  // checks the hyper-parameters now, next to the form
  } catch (const std::exception& e) {
    *why = qs(e.what());
    return std::nullopt;
  }
  return spec;
}

void MainWindow::applyRunConfig(const RunConfig& spec) {
  m_modelKind->setCurrentText(qs(spec.model.value("kind", "gbdt")));
  nlohmann::json params = spec.model;
  params.erase("kind");
  m_modelForm->setValues(toQJson(params));
  m_lossKind->setCurrentIndex(m_lossKind->findData(qs(lossKindName(spec.loss.kind))));
  m_alpha->setValue(spec.loss.alpha);
  if (const auto y = currentYields();
      spec.alphaFromSignalFraction && y && std::isfinite(y->ratioByWeight()))
    m_alpha->setValue(1.0 - y->ratioByWeight());
  m_gamma->setValue(spec.loss.gamma);
  m_resampleKind->setCurrentIndex(m_resampleKind->findData(static_cast<int>(spec.resample.kind)));
  m_resampleRatio->setValue(spec.resample.ratio);
  m_resampleK->setValue(spec.resample.k);
  m_negativeWeights->setCurrentText(qs(negativeWeightPolicyName(spec.resample.negativeWeights)));
  m_folds->setValue(spec.folds);
  m_seed->setValue(static_cast<int>(spec.seed));
  m_threads->setValue(spec.threads);
  m_transform->setCurrentIndex(m_transform->findData(static_cast<int>(spec.transform.kind)));
  m_transformClass->setCurrentIndex(
      std::max(0, m_transformClass->findData(qs(spec.transform.className))));
  m_calibration->setCurrentIndex(m_calibration->findData(static_cast<int>(spec.calibration.kind)));
  m_calibrationFraction->setValue(spec.calibration.fraction);
  if (auto* box = findChild<ClassSubsampleBox*>()) box->takeFromRun(spec);
  updateLossPlot();
}

void MainWindow::refreshTransformClasses() {
  const QString keep = m_transformClass->currentData().toString();
  QSignalBlocker b(m_transformClass);
  m_transformClass->clear();
  m_transformClass->addItem(tr("all events"), QString());
  if (m_session->hasProject())
    for (const auto& c : m_session->project().analysis.classes)
      m_transformClass->addItem(qs(c), qs(c));
  m_transformClass->setCurrentIndex(std::max(0, m_transformClass->findData(keep)));
}

}  // namespace imbw
