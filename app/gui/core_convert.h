#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/analysis/yields.h"
#include "core/data/event_table.h"
#include "widgets/cut_editor.h"
#include "widgets/run_plot_data.h"
#include "widgets/yields_table.h"

// Glue between core types (std, nlohmann) and the Qt types the widgets take.
namespace imbw {

inline QString qs(const std::string& s) {
  return QString::fromStdString(s);
}
inline std::string ss(const QString& s) {
  return s.toStdString();
}

QJsonObject toQJson(const nlohmann::json& j);
nlohmann::json fromQJson(const QJsonObject& o);

/// Checks an expression against the available names; the problem's span converted from the
/// engine's UTF-8 byte offsets to QString positions.
std::optional<ExpressionProblem> checkExpression(const QString& text,
                                                 const std::vector<std::string>& available);

QList<ClassYields> toClassYields(const Yields& before, const Yields& after);

/// "No events pass the cut: class 'x' is empty, …" when a class has no event left; empty text
/// otherwise.
QString emptyClassMessage(const Yields& after);

/// Per-class histograms of one column of the table (only events with keep[i] != 0, if given),
/// each normalised to unit total weight; the range spans the 0.5 %–99.5 % quantiles so a
/// long tail does not squeeze the plot. `stopRequested` is polled every million events; when
/// it says stop, the result is empty.
QList<ClassScoreHistogram> featureHistograms(const EventTable& table, const std::string& column,
                                             std::span<const std::uint8_t> keep, int bins = 40,
                                             const std::function<bool()>& stopRequested = {});

}  // namespace imbw
