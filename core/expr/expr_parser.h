#pragma once

// Lexer and recursive-descent parser of the expression language (grammar in expression.h).
// Internal to core/expr.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expr/expr_ops.h"

namespace imbw::expr_detail {

/// A node of the syntax tree. Constant sub-trees are folded while parsing.
struct Node {
  enum class Kind { Constant, Variable, Operation };
  Kind kind = Kind::Constant;
  double value = 0.0;  // Constant
  int variable = -1;   // Variable: index into ParseResult::variables
  Op op = Op::Copy;    // Operation
  std::vector<std::unique_ptr<Node>> args;
};

struct ParseResult {
  std::unique_ptr<Node> root;
  std::vector<std::string> variables;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
};

/// Parses `text`; throws ExpressionError with the position and the problem.
ParseResult parseExpression(std::string_view text);

}  // namespace imbw::expr_detail
