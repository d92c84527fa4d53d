#include "widgets/json_form.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QSpinBox>
#include <cmath>
#include <limits>

namespace imbw {

namespace {
/// Six decimals of precision (tolerances like 1e-6), but shown without trailing zeros:
/// "0.05", not "0.050000".
class CompactDoubleSpinBox : public QDoubleSpinBox {
 public:
  using QDoubleSpinBox::QDoubleSpinBox;
  QString textFromValue(double value) const override { return locale().toString(value, 'g', 6); }
};
}  // namespace

JsonForm::JsonForm(QWidget* parent) : QWidget(parent), m_layout(new QFormLayout(this)) {
  m_layout->setContentsMargins(0, 0, 0, 0);
  m_layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
}

static QString labelFor(const QString& key) {
  QString s = key;
  s.replace('_', ' ');
  if (!s.isEmpty()) s[0] = s[0].toUpper();
  return s + ":";
}

static bool isIntegral(double v) {
  return std::isfinite(v) && v == std::floor(v) && std::abs(v) < 2e9;
}

static QString arrayText(const QJsonArray& a) {
  QStringList parts;
  for (const auto& v : a) parts << (v.isString() ? v.toString() : QString::number(v.toDouble()));
  return parts.join(", ");
}

void JsonForm::setObject(const QJsonObject& values, const QStringList& hidden,
                         const QHash<QString, QString>& tooltips) {
  while (m_layout->rowCount() > 0) m_layout->removeRow(0);
  m_fields.clear();
  m_base = values;
  for (auto it = values.begin(); it != values.end(); ++it) {
    const QString key = it.key();
    if (hidden.contains(key)) continue;
    QWidget* w = nullptr;
    const QJsonValue v = it.value();
    if (v.isBool()) {
      auto* box = new QCheckBox(this);
      box->setChecked(v.toBool());
      connect(box, &QCheckBox::toggled, this, &JsonForm::edited);
      w = box;
    } else if (v.isDouble() && isIntegral(v.toDouble()) && !key.contains("rate") &&
               !key.contains("fraction") && !key.contains("alpha") && !key.contains("gamma")) {
      auto* spin = new QSpinBox(this);
      spin->setRange(-1000000000, 1000000000);
      spin->setValue(static_cast<int>(v.toDouble()));
      connect(spin, &QSpinBox::valueChanged, this, &JsonForm::edited);
      w = spin;
    } else if (v.isDouble()) {
      auto* spin = new CompactDoubleSpinBox(this);
      spin->setRange(-1e12, 1e12);
      spin->setDecimals(6);
      spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
      spin->setValue(v.toDouble());
      connect(spin, &QDoubleSpinBox::valueChanged, this, &JsonForm::edited);
      w = spin;
    } else if (v.isString() || v.isArray() || v.isNull()) {
      auto* line = new QLineEdit(this);
      line->setText(v.isArray() ? arrayText(v.toArray()) : v.toString());
      if (v.isArray()) line->setPlaceholderText(tr("comma-separated list"));
      connect(line, &QLineEdit::textEdited, this, &JsonForm::edited);
      w = line;
    } else {
      continue;  // nested objects are kept as they are
    }
    if (tooltips.contains(key)) w->setToolTip(tooltips.value(key));
    m_fields.insert(key, w);
    m_layout->addRow(labelFor(key), w);
  }
}

void JsonForm::setValues(const QJsonObject& values) {
  for (auto it = values.begin(); it != values.end(); ++it) {
    m_base[it.key()] = it.value();
    QWidget* w = m_fields.value(it.key());
    if (!w) continue;
    QSignalBlocker block(w);
    if (auto* b = qobject_cast<QCheckBox*>(w)) b->setChecked(it.value().toBool());
    if (auto* s = qobject_cast<QSpinBox*>(w)) s->setValue(it.value().toInt());
    if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) d->setValue(it.value().toDouble());
    if (auto* l = qobject_cast<QLineEdit*>(w))
      l->setText(it.value().isArray() ? arrayText(it.value().toArray()) : it.value().toString());
  }
}

QJsonObject JsonForm::values() const {
  QJsonObject out = m_base;
  for (auto it = m_fields.begin(); it != m_fields.end(); ++it) {
    QWidget* w = it.value();
    if (auto* b = qobject_cast<QCheckBox*>(w)) out[it.key()] = b->isChecked();
    if (auto* s = qobject_cast<QSpinBox*>(w)) out[it.key()] = s->value();
    if (auto* d = qobject_cast<QDoubleSpinBox*>(w)) out[it.key()] = d->value();
    if (auto* l = qobject_cast<QLineEdit*>(w)) {
      if (m_base.value(it.key()).isArray()) {
        QJsonArray a;
        const bool numeric = m_base.value(it.key()).toArray().isEmpty() ||
                             m_base.value(it.key()).toArray().first().isDouble();
        for (const QString& part : l->text().split(',', Qt::SkipEmptyParts)) {
          bool ok = false;
          const double v = part.trimmed().toDouble(&ok);
          if (numeric && ok)
            a.append(v);
          else
            a.append(part.trimmed());
        }
        out[it.key()] = a;
      } else if (m_base.value(it.key()).isNull() && l->text().trimmed().isEmpty()) {
        out[it.key()] = QJsonValue::Null;
      } else {
        out[it.key()] = l->text();
      }
    }
  }
  return out;
}

}  // namespace imbw
