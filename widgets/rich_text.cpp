#include "widgets/rich_text.h"

namespace imbw {

namespace {

QString escaped(QChar c) {
  if (c == '&') return QStringLiteral("&amp;");
  if (c == '<') return QStringLiteral("&lt;");
  if (c == '>') return QStringLiteral("&gt;");
  return QString(c);
}

/// True when the character before position `i` is a one-letter symbol: a letter not preceded
/// by another letter or digit.
bool oneLetterBefore(const QString& s, qsizetype i) {
  if (i < 1 || !s[i - 1].isLetter()) return false;
  return i < 2 || !(s[i - 2].isLetterOrNumber());
}

}  // namespace

QString richText(const QString& plain) {
  QString out;
  const qsizetype n = plain.size();
  for (qsizetype i = 0; i < n; ++i) {
    const QChar c = plain[i];
    if ((c == '_' || c == '^') && i + 1 < n && plain[i + 1] == '{' && i > 0) {
      const qsizetype close = plain.indexOf('}', i + 2);
      if (close > i) {
        const QString tag = c == '_' ? QStringLiteral("sub") : QStringLiteral("sup");
        QString inner;
        for (qsizetype k = i + 2; k < close; ++k) inner += escaped(plain[k]);
        out += "<" + tag + ">" + inner + "</" + tag + ">";
        i = close;
        continue;
      }
    }
    if (c == '_' && oneLetterBefore(plain, i) && i + 1 < n && plain[i + 1].isLetterOrNumber()) {
      qsizetype end = i + 1;
      while (end < n && plain[end].isLetterOrNumber()) ++end;
      out += "<sub>" + plain.mid(i + 1, end - i - 1) + "</sub>";
      i = end - 1;
      continue;
    }
    out += escaped(c);
  }
  return out;
}

}  // namespace imbw
