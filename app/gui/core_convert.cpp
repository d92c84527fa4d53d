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
                                             std::span<const std::uint8_t> keep, int bins,
                                             const std::function<bool()>& stopRequested) {
  QList<ClassScoreHistogram> out;
  const int ci = table.columnIndex(column);
  if (ci < 0) return out;
  const auto& col = table.columns[static_cast<std::size_t>(ci)];
  const bool all = keep.empty();
  auto counted = [&](std::size_t i) { return (all || keep[i]) && std::isfinite(col[i]); };
  // Work in slices of a million events, asking before each whether the result is still
  // wanted (a newer cut or feature makes it stale).
  constexpr std::size_t kSlice = std::size_t{1} << 20;
  auto stopped = [&] { return stopRequested && stopRequested(); };
  // The range: quantiles of the counted values, selected in place in one float copy.
  std::vector<float> sorted;
  sorted.reserve(
      all ? col.size()
          : static_cast<std::size_t>(std::count(keep.begin(), keep.end(), std::uint8_t{1})));
  for (std::size_t begin = 0; begin < col.size(); begin += kSlice) {
    if (stopped()) return {};
    const std::size_t end = std::min(col.size(), begin + kSlice);
    for (std::size_t i = begin; i < end; ++i)
      if (counted(i)) sorted.push_back(col[i]);
  }
  if (sorted.empty()) return out;
  const std::size_t n = sorted.size();
  auto quantile = [&](double q) {
    const std::size_t k = std::min(n - 1, static_cast<std::size_t>(q * (n - 1)));
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
    return static_cast<double>(sorted[k]);
  };
  double lo = quantile(0.005), hi = quantile(0.995);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  sorted = {};
  if (stopped()) return {};
  // The histograms, a slice at a time (the events in double for classHistograms), added up.
  std::vector<Histogram> hists;
  std::vector<double> values, w;
  std::vector<std::int32_t> cls;
  for (std::size_t begin = 0; begin < col.size(); begin += kSlice) {
    if (stopped()) return {};
    const std::size_t end = std::min(col.size(), begin + kSlice);
    values.clear();
    cls.clear();
    w.clear();
    for (std::size_t i = begin; i < end; ++i) {
      if (!counted(i)) continue;
      values.push_back(col[i]);
      cls.push_back(table.classIndex[i]);
      w.push_back(table.weight[i]);
    }
    auto part = classHistograms(values, cls, table.numClasses(), w, bins, lo, hi);
    if (hists.empty()) {
      hists = std::move(part);
      continue;
    }
    for (std::size_t c = 0; c < hists.size(); ++c) {
      for (std::size_t b = 0; b < hists[c].bins(); ++b) {
        hists[c].sumW[b] += part[c].sumW[b];
        hists[c].sumW2[b] += part[c].sumW2[b];
      }
      hists[c].underflow += part[c].underflow;
      hists[c].overflow += part[c].overflow;
    }
  }
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
