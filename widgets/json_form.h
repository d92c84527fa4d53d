#pragma once

#include <QHash>
#include <QJsonObject>
#include <QWidget>

class QFormLayout;

namespace imbw {

/// A form generated from a flat JSON object of parameters: numbers become spin boxes (integers
/// as QSpinBox), booleans check boxes, strings and number lists line edits. Used for model
/// hyper-parameters, so a new parameter of a model shows up without GUI changes.
class JsonForm : public QWidget {
  Q_OBJECT
 public:
  explicit JsonForm(QWidget* parent = nullptr);
  /// Rebuilds the form; keys in `hidden` are kept but not shown. `tooltips` per key.
  void setObject(const QJsonObject& values, const QStringList& hidden = {},
                 const QHash<QString, QString>& tooltips = {});
  /// Sets the values of existing fields (unknown keys are kept for values()).
  void setValues(const QJsonObject& values);
  QJsonObject values() const;
  QWidget* field(const QString& key) const { return m_fields.value(key); }

 Q_SIGNALS:
  void edited();

 private:
  QFormLayout* m_layout;
  QJsonObject m_base;
  QHash<QString, QWidget*> m_fields;
};

}  // namespace imbw
