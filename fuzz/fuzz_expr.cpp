// libFuzzer target: the expression parser and evaluator (cuts, weights, derived features).
// Any input must either parse and evaluate, or throw imbw::ExpressionError; anything else
// (another exception, a crash, a sanitizer report, a hang) is a finding.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/expr/expression.h"

namespace {

// Scalar columns plus a jagged collection in both spellings the reader produces (elements
// jet_pt[0..2] and the aggregates), with NaN where an element is absent.
const std::vector<std::string> kColumns{
    "x",           "y",           "mjj",         "pt_j1",
    "jet_pt[0]",   "jet_pt[1]",   "jet_pt[2]",   "count(jet_pt)",
    "sum(jet_pt)", "max(jet_pt)", "min(jet_pt)", "w"};
constexpr std::size_t kEvents = 37;  // not a multiple of the evaluator's block size

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;  // longer cuts add nothing but time
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::vector<float>> values = [] {
    std::vector<std::vector<float>> v(kColumns.size(), std::vector<float>(kEvents));
    const float special[] = {0.0f,
                             -0.0f,
                             1.0f,
                             -1.0f,
                             1e30f,
                             -1e30f,
                             1e-40f,
                             std::numeric_limits<float>::infinity(),
                             std::numeric_limits<float>::quiet_NaN()};
    for (std::size_t c = 0; c < v.size(); ++c)
      for (std::size_t i = 0; i < kEvents; ++i)
        v[c][i] = i < 9 ? special[(i + c) % 9] : static_cast<float>(c * 7.5 - i * 1.25);
    return v;
  }();
  try {
    const imbw::Expression e = imbw::Expression::parse(text);
    (void)e.variables();
    (void)e.variableSpans();
    const imbw::BoundExpression b = e.bind(kColumns);
    std::vector<imbw::ColumnRef> cols(kColumns.size());
    for (std::size_t c = 0; c < cols.size(); ++c) cols[c].f = values[c].data();
    std::vector<double> out(kEvents);
    b.evaluate(cols, kEvents, out.data());
    std::vector<std::uint8_t> keep(kEvents);
    b.select(cols, kEvents, keep.data());
    (void)b.isConstant();
  } catch (const imbw::ExpressionError& e) {
    if (e.position() > size) __builtin_trap();  // the position must point into the text
  }
  return 0;
}
