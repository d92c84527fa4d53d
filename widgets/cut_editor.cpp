#include "widgets/cut_editor.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>
#include <QVBoxLayout>

namespace imbw {

static bool isNameChar(QChar c) {
  return c.isLetterOrNumber() || c == '_' || c == '.';
}

ExpressionTextEdit::ExpressionTextEdit(QWidget* parent)
    : QPlainTextEdit(parent),
      m_completer(new QCompleter(this)),
      m_names(new QStringListModel(this)) {
  setTabChangesFocus(true);
  setLineWrapMode(QPlainTextEdit::WidgetWidth);
  QFont mono("monospace");
  mono.setStyleHint(QFont::TypeWriter);
  setFont(mono);
  m_completer->setModel(m_names);
  m_completer->setWidget(this);
  m_completer->setCaseSensitivity(Qt::CaseInsensitive);
  m_completer->setCompletionMode(QCompleter::PopupCompletion);
  m_completer->setFilterMode(Qt::MatchStartsWith);
  connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
          &ExpressionTextEdit::insertCompletion);
}

QSize ExpressionTextEdit::sizeHint() const {
  const int line = fontMetrics().lineSpacing();
  return QSize(320, 3 * line + 12);
}

void ExpressionTextEdit::setCompletions(const QStringList& names) {
  QStringList sorted = names;
  sorted.sort(Qt::CaseInsensitive);
  m_names->setStringList(sorted);
}

QString ExpressionTextEdit::wordUnderCursor() const {
  const QTextCursor c = textCursor();
  const QString text = c.block().text();
  int pos = c.positionInBlock();
  int start = pos;
  while (start > 0 && isNameChar(text[start - 1])) --start;
  return text.mid(start, pos - start);
}

void ExpressionTextEdit::insertCompletion(const QString& completion) {
  QTextCursor c = textCursor();
  const int prefix = static_cast<int>(wordUnderCursor().size());
  c.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, prefix);
  c.insertText(completion);
  setTextCursor(c);
}

void ExpressionTextEdit::keyPressEvent(QKeyEvent* event) {
  if (m_completer->popup()->isVisible()) {
    switch (event->key()) {
      case Qt::Key_Enter:
      case Qt::Key_Return:
      case Qt::Key_Escape:
      case Qt::Key_Tab:
      case Qt::Key_Backtab:
        event->ignore();  // the popup handles these
        return;
      default:
        break;
    }
  }
  // An expression is one logical line: Enter must not insert a newline.
  if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
    event->accept();
    return;
  }
  QPlainTextEdit::keyPressEvent(event);
  const QString prefix = wordUnderCursor();
  if (prefix.isEmpty() || prefix[0].isDigit() || event->text().isEmpty()) {
    m_completer->popup()->hide();
    return;
  }
  if (prefix != m_completer->completionPrefix()) {
    m_completer->setCompletionPrefix(prefix);
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
  }
  if (m_completer->completionCount() == 0 ||
      (m_completer->completionCount() == 1 && m_completer->currentCompletion() == prefix)) {
    m_completer->popup()->hide();
    return;
  }
  QRect r = cursorRect();
  r.setWidth(m_completer->popup()->sizeHintForColumn(0) +
             m_completer->popup()->verticalScrollBar()->sizeHint().width());
  m_completer->complete(r);
}

CutEditor::CutEditor(QWidget* parent)
    : QWidget(parent), m_edit(new ExpressionTextEdit(this)), m_message(new QLabel(this)) {
  m_message->setWordWrap(true);
  m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QPalette pal = m_message->palette();
  pal.setColor(QPalette::WindowText, QColor(0xb0, 0x00, 0x20));
  m_message->setPalette(pal);
  m_message->hide();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_edit);
  layout->addWidget(m_message);
  m_edit->setPlaceholderText(tr("e.g. mjj > 200 && deta_jj > 2.5 (empty: keep every event)"));
  m_edit->setToolTip(
      tr("Events are kept where the expression is true (non-zero). Columns and derived features "
         "by name; && || ! ?: and functions such as abs, sqrt, deltaPhi, mass."));
  connect(m_edit, &QPlainTextEdit::textChanged, this, &CutEditor::revalidate);
}

void CutEditor::setValidator(ExpressionValidator validator) {
  m_validator = std::move(validator);
  revalidate();
}

void CutEditor::setColumnNames(const QStringList& names) {
  m_edit->setCompletions(names);
  revalidate();
}

void CutEditor::setText(const QString& text) {
  if (text != m_edit->toPlainText()) m_edit->setPlainText(text);
  revalidate();
}

QString CutEditor::text() const {
  return m_edit->toPlainText();
}

QString CutEditor::errorText() const {
  return m_problem ? m_message->text() : QString();
}

void CutEditor::revalidate() {
  const QString text = m_edit->toPlainText();
  m_problem = m_validator ? m_validator(text) : std::nullopt;
  QList<QTextEdit::ExtraSelection> marks;
  if (m_problem) {
    QTextEdit::ExtraSelection mark;
    mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    mark.format.setUnderlineColor(Qt::red);
    mark.format.setBackground(QColor(255, 220, 220));
    mark.cursor = QTextCursor(m_edit->document());
    const int n = static_cast<int>(text.size());
    int start = std::clamp(m_problem->position, 0, n);
    int end = std::clamp(m_problem->position + std::max(1, m_problem->length), 0, n);
    if (start == end && start > 0) start = end - 1;  // problem at the end: mark the last char
    mark.cursor.setPosition(start);
    mark.cursor.setPosition(end, QTextCursor::KeepAnchor);
    marks << mark;
    m_message->setText(m_problem->message);
    m_message->show();
  } else {
    m_message->clear();
    m_message->hide();
  }
  m_edit->setExtraSelections(marks);
  Q_EMIT expressionEdited(text, !m_problem.has_value());
}

}  // namespace imbw
