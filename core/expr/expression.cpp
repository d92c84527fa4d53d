#include "core/expr/expression.h"

#include <algorithm>

#include "core/expr/expr_parser.h"
#include "core/expr/expr_program.h"
#include "core/util/strings.h"

namespace imbw {

namespace {
const std::vector<int> kNoColumns;
const std::vector<std::string> kNoNames;
const std::vector<std::pair<std::size_t, std::size_t>> kNoSpans;
const std::string kNoText;
}  // namespace

ExpressionError::ExpressionError(std::size_t position, std::size_t length, std::string problem)
    : Error("at character " + std::to_string(position + 1) + ": " + problem),
      m_position(position),
      m_length(length),
      m_problem(std::move(problem)) {}

Expression Expression::parse(std::string_view text) {
  auto parsed = expr_detail::parseExpression(text);
  Expression e;
  e.m_text = std::string(text);
  e.m_program = std::make_shared<const expr_detail::Program>(
      expr_detail::compile(std::string(text), std::move(parsed)));
  return e;
}

const std::vector<std::string>& Expression::variables() const {
  return m_program ? m_program->variables : kNoNames;
}

const std::vector<std::pair<std::size_t, std::size_t>>& Expression::variableSpans() const {
  return m_program ? m_program->spans : kNoSpans;
}

BoundExpression Expression::bind(const std::vector<std::string>& available) const {
  if (!m_program) throw Error("cannot bind an expression that was never parsed");
  auto p = std::make_shared<expr_detail::Program>(*m_program);
  p->variableColumn.clear();
  for (std::size_t v = 0; v < p->variables.size(); ++v) {
    const auto it = std::find(available.begin(), available.end(), p->variables[v]);
    if (it == available.end()) {
      throw ExpressionError(p->spans[v].first, p->spans[v].second,
                            unknownNameMessage("column", p->variables[v], available));
    }
    p->variableColumn.push_back(static_cast<int>(it - available.begin()));
  }
  p->usedColumns = p->variableColumn;
  std::sort(p->usedColumns.begin(), p->usedColumns.end());
  p->usedColumns.erase(std::unique(p->usedColumns.begin(), p->usedColumns.end()),
                       p->usedColumns.end());
  BoundExpression b;
  b.m_program = std::move(p);
  return b;
}

const std::vector<int>& BoundExpression::usedColumns() const {
  return m_program ? m_program->usedColumns : kNoColumns;
}

bool BoundExpression::isConstant() const {
  return m_program && m_program->constant;
}

const std::string& BoundExpression::text() const {
  return m_program ? m_program->text : kNoText;
}

namespace {
void check(const expr_detail::Program* p, std::span<const ColumnRef> columns) {
  if (!p) throw Error("evaluating an expression that was never bound to columns");
  for (std::size_t v = 0; v < p->variableColumn.size(); ++v) {
    const auto c = static_cast<std::size_t>(p->variableColumn[v]);
    if (c >= columns.size() || (!columns[c].f && !columns[c].d)) {
      throw Error("expression '" + p->text + "' needs column '" + p->variables[v] +
                  "', which was not provided");
    }
  }
}
}  // namespace

void BoundExpression::evaluate(std::span<const ColumnRef> columns, std::size_t n,
                               double* out) const {
  check(m_program.get(), columns);
  expr_detail::run(*m_program, columns, n, out, nullptr);
}

void BoundExpression::select(std::span<const ColumnRef> columns, std::size_t n,
                             std::uint8_t* keep) const {
  check(m_program.get(), columns);
  expr_detail::run(*m_program, columns, n, nullptr, keep);
}

}  // namespace imbw
