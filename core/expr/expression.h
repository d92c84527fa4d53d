#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace imbw {

/// A bad expression: where (0-based offset into the text, and how many characters the problem
/// spans; both count bytes of the UTF-8 text, which are characters for ASCII) and what. what()
/// reads "at character 7: expected ')' ...", counting characters from 1 for people (so that is
/// position() + 1); problem() is the text after it.
class ExpressionError : public Error {
 public:
  ExpressionError(std::size_t position, std::size_t length, std::string problem);
  std::size_t position() const { return m_position; }
  std::size_t length() const { return m_length; }
  const std::string& problem() const { return m_problem; }

 private:
  std::size_t m_position;
  std::size_t m_length;
  std::string m_problem;
};

/// One input column for a chunk: exactly one of the two pointers is set. Feature columns are
/// float32; weight inputs may come as double so that weights keep their precision.
struct ColumnRef {
  const float* f = nullptr;
  const double* d = nullptr;
};

namespace expr_detail {
struct Program;
}

class Expression;

/// An expression whose variables are tied to positions in a list of available column names.
/// Cheap to copy; immutable; evaluate() may be called from several threads at once.
class BoundExpression {
 public:
  BoundExpression() = default;
  /// Indices (into the `available` list given to bind) of the columns the expression reads,
  /// ascending, each once. Only these entries of `columns` need to be set in evaluate().
  const std::vector<int>& usedColumns() const;
  /// Evaluates for n events: out[i] = value of event i. `columns` is indexed like `available`;
  /// entries the expression does not use may be empty (a used one missing throws Error). `out`
  /// must not overlap the inputs. Vectorised: works through the events in blocks, one tight loop
  /// per operation, blocks spread over the OpenMP threads when n is large (on the calling thread
  /// only when called inside a parallel region). Comparisons and logic give 1.0 / 0.0; NaN
  /// inputs propagate through arithmetic and min/max; every comparison with NaN is false (also
  /// !=); && || ! and the condition of ?: treat NaN as false.
  void evaluate(std::span<const ColumnRef> columns, std::size_t n, double* out) const;
  /// As evaluate(), then keep[i] = 1 where the value is non-zero and not NaN, else 0.
  void select(std::span<const ColumnRef> columns, std::size_t n, std::uint8_t* keep) const;
  /// True when the value never depends on a column (e.g. "1").
  bool isConstant() const;
  const std::string& text() const;

 private:
  friend class Expression;
  std::shared_ptr<const expr_detail::Program> m_program;
};

/// A parsed cut, weight or derived-feature expression.
///
/// Grammar (C-like precedence): literals (1, 2.5, 1e-3, pi), column names
/// ([A-Za-z_][A-Za-z0-9_.]*, optionally followed by an element index as in `jet_pt[0]`, which
/// is part of the name), unary - + !, * / %, + -, < <= > >= == !=, &&, ||, ?: (right assoc.),
/// parentheses, and calls: abs sqrt exp log log10 pow min max sin cos tan asin acos atan atan2
/// sinh cosh tanh asinh acosh atanh floor ceil round sign isnan, and the HEP helpers
/// pt(px,py), eta(px,py,pz), phi(px,py), deltaPhi(phi1,phi2) in [0, π],
/// deltaR(eta1,phi1,eta2,phi2), mass(e1,px1,py1,pz1,e2,px2,py2,pz2),
/// rapidity(e,pz), mass1(e,px,py,pz).
/// Aggregates of a jagged collection are names too: `count(jet_pt)`, `sum(jet_pt)`,
/// `max(jet_pt)`, `min(jet_pt)` (a one-argument count/sum/max/min whose argument is a bare name
/// becomes the variable named exactly that text, without spaces).
class Expression {
 public:
  /// Syntax check and parse; throws ExpressionError naming the position and the problem.
  static Expression parse(std::string_view text);

  const std::string& text() const { return m_text; }
  /// The variable names the expression reads, in order of first use, each once.
  const std::vector<std::string>& variables() const;
  /// Character span of the first use of each variable (same order as variables()).
  const std::vector<std::pair<std::size_t, std::size_t>>& variableSpans() const;

  /// Ties variables to `available`; an unknown name throws ExpressionError at that name's
  /// position with "unknown column 'mjjj' (did you mean 'mjj'?)".
  BoundExpression bind(const std::vector<std::string>& available) const;

 private:
  std::string m_text;
  std::shared_ptr<const expr_detail::Program> m_program;
};

}  // namespace imbw
