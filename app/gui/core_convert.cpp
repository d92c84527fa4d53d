#include "app/gui/core_convert.h"

#include <QJsonDocument>
#include <algorithm>
#include <cmath>

#include "core/eval/score_histogram.h"
#include "core/expr/expression.h"

namespace imbw {

QJsonObject toQJson(const nlohmann::json& j) {
  return QJsonDocument::fromJson(QByteArray::fromStdString(j.dump())).object();
}

nlohmann::json fromQJson(const QJsonObject& o) {
  return nlohmann::json::parse(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString());
}

std::optional<ExpressionProblem> checkExpression(const QString& text,
                                                 const std::vector<std::string>& available) {
  const std::string utf8 = text.toStdString();
  try {
    Expression::parse(utf8).bind(available);
    return std::nullopt;
  } catch (const ExpressionError& e) {
    const std::size_t pos = std::min(e.position(), utf8.size());
    const std::size_t end = std::min(e.position() + e.length(), utf8.size());
    const int qpos = static_cast<int>(QString::fromStdString(utf8.substr(0, pos)).size());
    const int qend = static_cast<int>(QString::fromStdString(utf8.substr(0, end)).size());
    return ExpressionProblem{qpos, std::max(1, qend - qpos), qs(e.what())};
  } catch (const std::exception& e) {
    return ExpressionProblem{0, static_cast<int>(text.size()), qs(e.what())};
  }
}

QList<ClassYields> toClassYields(const Yields& before, const Yields& after) {
  QList<ClassYields> rows;
  for (std::size_t c = 0; c < before.perClass.size(); ++c) {
    ClassYields y;
    y.className = qs(before.perClass[c].className);
    y.signal = static_cast<int>(c) == before.signalClass;
    y.eventsBefore = static_cast<qint64>(before.perClass[c].events);
    y.sumWBefore = before.perClass[c].sumW;
    y.sumW2Before = before.perClass[c].sumW2;
    if (c < after.perClass.size()) {
      y.eventsAfter = static_cast<qint64>(after.perClass[c].events);
      y.sumWAfter = after.perClass[c].sumW;
      y.sumW2After = after.perClass[c].sumW2;
    }
    rows << y;
  }
  return rows;
}

QList<ClassScoreHistogram> featureHistograms(const EventTable& table, const std::string& column,
                                             const std::vector<std::uint8_t>& keep, int bins) {
  QList<ClassScoreHistogram> out;
  const int ci = table.columnIndex(column);
  if (ci < 0) return out;
  const auto& col = table.columns[static_cast<std::size_t>(ci)];
  std::vector<double> values;
  std::vector<std::int32_t> cls;
  std::vector<double> w;
  values.reserve(col.size());
  for (std::size_t i = 0; i < col.size(); ++i) {
    if (!keep.empty() && !keep[i]) continue;
    if (!std::isfinite(col[i])) continue;
    values.push_back(col[i]);
    cls.push_back(table.classIndex[i]);
    w.push_back(table.weight[i]);
  }
  if (values.empty()) return out;
  std::vector<double> sorted = values;
  const std::size_t n = sorted.size();
  auto quantile = [&](double q) {
    const std::size_t k = std::min(n - 1, static_cast<std::size_t>(q * (n - 1)));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
    return sorted[k];
  };
  double lo = quantile(0.005), hi = quantile(0.995);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const auto hists = classHistograms(values, cls, table.numClasses(), w, bins, lo, hi);
  for (int c = 0; c < table.numClasses(); ++c) {
    const Histogram& h = hists[static_cast<std::size_t>(c)];
    ClassScoreHistogram qh;
    qh.className = qs(table.classNames[static_cast<std::size_t>(c)]);
    const double total = h.integral() + h.underflow + h.overflow;
    for (std::size_t b = 0; b <= h.bins(); ++b) qh.edges << h.lo + h.binWidth() * double(b);
    for (std::size_t b = 0; b < h.bins(); ++b) qh.test << (total != 0 ? h.sumW[b] / total : 0.0);
    out << qh;
  }
  return out;
}

QString emptyClassMessage(const Yields& after) {
  QStringList empty;
  for (const auto& c : after.perClass)
    if (c.events == 0) empty << qs(c.className);
  if (empty.isEmpty()) return {};
  return QObject::tr("No %1 events pass the cut: class '%2' is empty, nothing to train on.")
      .arg(empty.size() == 1 ? QString() : QObject::tr("(several classes)"), empty.join("', '"));
}

}  // namespace imbw
