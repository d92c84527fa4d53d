// The "Imbalance and loss" dock: resampling of the training folds and the loss (α, γ with the
// live loss curve).
#include "app/gui/loss_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "app/gui/core_convert.h"
#include "widgets/loss_curve_view.h"

namespace imbw {

LossPanel::LossPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  m_layout = layout;
  auto* resample = new QGroupBox(tr("Resampling of the training folds"), this);
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

  auto* loss = new QGroupBox(tr("Loss"), this);
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
  m_lossView = new LossCurveView(this);
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
  connect(m_lossKind, &QComboBox::currentIndexChanged, this, &LossPanel::updateLossPlot);
  connect(m_alphaFromR, &QPushButton::clicked, this, [this] {
    const auto r = m_signalFraction ? m_signalFraction() : std::nullopt;
    if (r && std::isfinite(*r)) m_alpha->setValue(1.0 - *r);
  });
  updateLossPlot();
}

void LossPanel::insertTop(QWidget* widget) {
  m_layout->insertWidget(0, widget);
}

void LossPanel::fillConfig(RunConfig& spec) const {
  spec.loss.kind = lossKindFromName(ss(m_lossKind->currentData().toString()));
  spec.loss.alpha = m_alpha->value();
  spec.loss.gamma = m_gamma->value();
  spec.resample.kind = static_cast<ResampleKind>(m_resampleKind->currentData().toInt());
  spec.resample.ratio = m_resampleRatio->value();
  spec.resample.k = m_resampleK->value();
  spec.resample.negativeWeights =
      negativeWeightPolicyFromName(ss(m_negativeWeights->currentText()));
}

void LossPanel::applyConfig(const RunConfig& spec) {
  m_lossKind->setCurrentIndex(m_lossKind->findData(qs(lossKindName(spec.loss.kind))));
  m_alpha->setValue(spec.loss.alpha);
  if (const auto r = m_signalFraction ? m_signalFraction() : std::nullopt;
      spec.alphaFromSignalFraction && r && std::isfinite(*r))
    m_alpha->setValue(1.0 - *r);
  m_gamma->setValue(spec.loss.gamma);
  m_resampleKind->setCurrentIndex(m_resampleKind->findData(static_cast<int>(spec.resample.kind)));
  m_resampleRatio->setValue(spec.resample.ratio);
  m_resampleK->setValue(spec.resample.k);
  m_negativeWeights->setCurrentText(qs(negativeWeightPolicyName(spec.resample.negativeWeights)));
  updateLossPlot();
}

void LossPanel::updateLossPlot() {
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

}  // namespace imbw
