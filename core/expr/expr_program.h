#pragma once

// The compiled form of an expression: a flat list of vector instructions over "slots" (input
// columns, constants and scratch registers), run block by block. Internal to core/expr.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/expr/expr_ops.h"
#include "core/expr/expr_parser.h"
#include "core/expr/expression.h"

namespace imbw::expr_detail {

/// One vector operation: slot[dst][i] = op(slot[args[0]][i], ...). For two-operand operations
/// one side may instead be a literal (constA / constB), which saves a broadcast buffer.
/// Registers hold either doubles or, for comparisons and logic, 0/1 bytes ("masks"), which is
/// eight times less memory traffic for cuts; the compiler inserts ToMask / ToDouble between them.
struct Instruction {
  Op op = Op::Copy;
  int dst = 0;
  int args[8] = {};
  bool constA = false;
  bool constB = false;
  double ka = 0.0;
  double kb = 0.0;
  // A comparison of a column with a literal, when the column turns out to be float32, runs as
  // `column floatOp floatLiteral` in single precision: exactly the same answer as comparing
  // in double, with the literal rounded in the right direction (set when that is possible).
  bool floatCompare = false;
  Op floatOp = Op::Lt;
  float floatLiteral = 0.0f;
};

/// Slots are numbered: variables [0, nVariables), constants [nVariables, + constants.size()),
/// then temporaries. Immutable once built; shared by every copy of an Expression.
struct Program {
  std::string text;
  std::vector<std::string> variables;
  std::vector<std::pair<std::size_t, std::size_t>> spans;

  int nVariables = 0;
  std::vector<double> constants;
  int nTemporaries = 0;
  std::vector<Instruction> code;
  int result = -1;            // a temporary slot holding the value once `code` has run
  bool resultIsMask = false;  // the result register holds 0/1 bytes, not doubles

  // Per variable: read by an operation with other than two operands, so a float32 column must
  // be widened into a register (two-operand operations read float columns directly).
  std::vector<bool> variableNeedsDouble;

  bool constant = false;
  double constantValue = 0.0;

  // Filled by bind(): the column index (into `available`) of each variable.
  std::vector<int> variableColumn;
  std::vector<int> usedColumns;

  int firstTemporary() const { return nVariables + static_cast<int>(constants.size()); }
  int slotCount() const { return firstTemporary() + nTemporaries; }
};

/// Turns a parse tree into a Program (register allocation, constant slots).
Program compile(std::string text, ParseResult parsed);

/// Runs a bound program over n events. Exactly one of out / keep is non-null.
void run(const Program& program, std::span<const ColumnRef> columns, std::size_t n, double* out,
         std::uint8_t* keep);

}  // namespace imbw::expr_detail
