#pragma once

#include <QPlainTextEdit>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <optional>

class QCompleter;
class QLabel;
class QStringListModel;

namespace imbw {

/// What is wrong with an expression and where (QString character offsets).
struct ExpressionProblem {
  int position = 0;
  int length = 1;
  QString message;
};

/// Returns the problem, or nothing when the text is a valid expression over the known columns.
using ExpressionValidator = std::function<std::optional<ExpressionProblem>(const QString&)>;

/// A small plain-text editor for an expression that completes column names as you type.
class ExpressionTextEdit : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit ExpressionTextEdit(QWidget* parent = nullptr);
  void setCompletions(const QStringList& names);
  QCompleter* completer() const { return m_completer; }
  QSize sizeHint() const override;

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void insertCompletion(const QString& completion);
  QString wordUnderCursor() const;
  QCompleter* m_completer;
  QStringListModel* m_names;
};

/// The cut editor: checks the expression on every keystroke through a validator callback,
/// underlines the faulty span and states the problem right below the text.
class CutEditor : public QWidget {
  Q_OBJECT
 public:
  explicit CutEditor(QWidget* parent = nullptr);
  void setValidator(ExpressionValidator validator);
  void setColumnNames(const QStringList& names);
  void setText(const QString& text);
  QString text() const;
  bool isValid() const { return !m_problem.has_value(); }
  /// The message shown under the editor ("" when valid).
  QString errorText() const;
  std::optional<ExpressionProblem> problem() const { return m_problem; }
  ExpressionTextEdit* editor() const { return m_edit; }
  /// Re-runs the validator (e.g. after the column list changed).
  void revalidate();

 Q_SIGNALS:
  /// After every edit, with the validation outcome.
  void expressionEdited(const QString& text, bool valid);

 private:
  ExpressionTextEdit* m_edit;
  QLabel* m_message;
  ExpressionValidator m_validator;
  std::optional<ExpressionProblem> m_problem;
};

}  // namespace imbw
