#include "core/eval/one_vs_rest.h"

#include <string>

#include "core/util/error.h"

namespace imbw {

OneVsRest oneVsRest(std::span<const double> probabilities, std::span<const std::int32_t> classIndex,
                    int classes, std::span<const double> weights) {
  if (classes < 2) throw Error("one-vs-rest: needs at least 2 classes");
  const std::size_t n = classIndex.size();
  const auto k = static_cast<std::size_t>(classes);
  if (probabilities.size() != n * k)
    throw Error("one-vs-rest: " + std::to_string(probabilities.size()) + " probabilities for " +
                std::to_string(n) + " events and " + std::to_string(classes) + " classes");
  for (std::size_t i = 0; i < n; ++i)
    if (classIndex[i] < 0 || classIndex[i] >= classes)
      throw Error("one-vs-rest: event " + std::to_string(i) + " has class " +
                  std::to_string(classIndex[i]) + ", outside 0.." + std::to_string(classes - 1));
  OneVsRest out;
  std::vector<double> column(n);
  std::vector<std::uint8_t> isClass(n);
  for (int c = 0; c < classes; ++c) {
    const auto cc = static_cast<std::size_t>(c);
    for (std::size_t i = 0; i < n; ++i) {
      column[i] = probabilities[i * k + cc];
      isClass[i] = classIndex[i] == c;
    }
    ClassCurves cur;
    cur.classIndex = c;
    try {
      cur.roc = rocCurve(column, isClass, weights);
    } catch (const Error& e) {
      throw Error("one-vs-rest, class " + std::to_string(c) + ": " + e.what());
    }
    cur.pr = prCurve(cur.roc);
    cur.auc = rocAuc(cur.roc);
    cur.averagePrecision = averagePrecision(cur.roc);
    cur.fraction = cur.roc.totalSignal / (cur.roc.totalSignal + cur.roc.totalBackground);
    out.macroAuc += cur.auc / classes;
    out.macroAveragePrecision += cur.averagePrecision / classes;
    out.perClass.push_back(std::move(cur));
  }
  return out;
}

}  // namespace imbw
