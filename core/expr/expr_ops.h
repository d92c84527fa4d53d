#pragma once

// The operations of the expression engine: one scalar definition per operation, shared by the
// constant folder and the block-wise evaluator so that both compute exactly the same thing.
// Internal to core/expr.

#include <cmath>
#include <numbers>
#include <string_view>

namespace imbw::expr_detail {

/// "True" in a condition: non-zero and not NaN (NaN counts as false in && || ! ?: and select).
inline bool truth(double x) {
  return (x != 0.0) & (x == x);
}

inline double deltaPhiScalar(double a, double b) {
  constexpr double pi = std::numbers::pi;
  constexpr double twoPi = 2.0 * std::numbers::pi;
  double d = std::fabs(a - b);
  if (d > twoPi) d = std::fmod(d, twoPi);
  if (d > pi) d = twoPi - d;
  return d;
}

/// sqrt(max(0, m²)) with NaN kept (std::max(0, NaN) would hide it).
inline double sqrtClamp(double m2) {
  return std::sqrt(m2 < 0.0 ? 0.0 : m2);
}

inline double etaScalar(double px, double py, double pz) {
  return std::asinh(pz / std::sqrt(px * px + py * py));
}

inline double deltaRScalar(double eta1, double phi1, double eta2, double phi2) {
  const double deta = eta1 - eta2;
  const double dphi = deltaPhiScalar(phi1, phi2);
  return std::sqrt(deta * deta + dphi * dphi);
}

inline double mass1Scalar(double e, double px, double py, double pz) {
  return sqrtClamp(e * e - (px * px + py * py + pz * pz));
}

inline double massScalar(const double* a) {
  return mass1Scalar(a[0] + a[4], a[1] + a[5], a[2] + a[6], a[3] + a[7]);
}

// X-macros: (name, expression in a) and (name, expression in a, b). min/max propagate NaN.
#define IMBW_EXPR_UNARY_OPS(X)                      \
  X(Neg, -a)                                        \
  X(Copy, a)                                        \
  X(Abs, std::fabs(a))                              \
  X(Sqrt, std::sqrt(a))                             \
  X(Exp, std::exp(a))                               \
  X(Log, std::log(a))                               \
  X(Log10, std::log10(a))                           \
  X(Sin, std::sin(a))                               \
  X(Cos, std::cos(a))                               \
  X(Tan, std::tan(a))                               \
  X(Asin, std::asin(a))                             \
  X(Acos, std::acos(a))                             \
  X(Atan, std::atan(a))                             \
  X(Sinh, std::sinh(a))                             \
  X(Cosh, std::cosh(a))                             \
  X(Tanh, std::tanh(a))                             \
  X(Asinh, std::asinh(a))                           \
  X(Acosh, std::acosh(a))                           \
  X(Atanh, std::atanh(a))                           \
  X(Floor, std::floor(a))                           \
  X(Ceil, std::ceil(a))                             \
  X(Round, std::round(a))                           \
  X(Sign, (a > 0.0) ? 1.0 : ((a < 0.0) ? -1.0 : a)) \
  X(IsNan, (a != a) ? 1.0 : 0.0)

#define IMBW_EXPR_BINARY_OPS(X)            \
  X(Add, a + b)                            \
  X(Sub, a - b)                            \
  X(Mul, a* b)                             \
  X(Div, a / b)                            \
  X(Mod, std::fmod(a, b))                  \
  X(Pow, std::pow(a, b))                   \
  X(Min, (a != a) ? a : ((a < b) ? a : b)) \
  X(Max, (a != a) ? a : ((a > b) ? a : b)) \
  X(Atan2, std::atan2(a, b))               \
  X(Pt, std::sqrt(a* a + b * b))           \
  X(Phi, std::atan2(b, a))                 \
  X(DeltaPhi, deltaPhiScalar(a, b))        \
  X(Rapidity, 0.5 * std::log((a + b) / (a - b)))

// Comparisons: true/false (1/0 as a value), false when either side is NaN (so != is written
// as < or >).
#define IMBW_EXPR_COMPARE_OPS(X) \
  X(Lt, a < b)                   \
  X(Le, a <= b)                  \
  X(Gt, a > b)                   \
  X(Ge, a >= b)                  \
  X(Eq, a == b)                  \
  X(Ne, (a < b) | (a > b))

// Operations with more than two operands; evaluated by a generic loop.
#define IMBW_EXPR_NARY_OPS(X)                        \
  X(Cond, 3, truth(a[0]) ? a[1] : a[2])              \
  X(Eta, 3, etaScalar(a[0], a[1], a[2]))             \
  X(DeltaR, 4, deltaRScalar(a[0], a[1], a[2], a[3])) \
  X(Mass1, 4, mass1Scalar(a[0], a[1], a[2], a[3]))   \
  X(Mass, 8, massScalar(a))

enum class Op : unsigned char {
#define IMBW_X1(name, expr) name,
#define IMBW_X2(name, arity, expr) name,
  IMBW_EXPR_UNARY_OPS(IMBW_X1) IMBW_EXPR_BINARY_OPS(IMBW_X1) IMBW_EXPR_COMPARE_OPS(IMBW_X1)
      IMBW_EXPR_NARY_OPS(IMBW_X2)
  // Logic on truth values (NaN is false).
  Not,
  And,
  Or,
  // Conversions the compiler inserts between value registers and true/false (mask) registers.
  ToMask,
  ToDouble,
#undef IMBW_X1
#undef IMBW_X2
};

inline int arity(Op op) {
  switch (op) {
#define IMBW_X1(name, expr) \
  case Op::name:            \
    return 1;
    IMBW_EXPR_UNARY_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X1(name, expr) \
  case Op::name:            \
    return 2;
    IMBW_EXPR_BINARY_OPS(IMBW_X1)
    IMBW_EXPR_COMPARE_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X2(name, n, expr) \
  case Op::name:               \
    return n;
    IMBW_EXPR_NARY_OPS(IMBW_X2)
#undef IMBW_X2
    case Op::Not:
    case Op::ToMask:
    case Op::ToDouble:
      return 1;
    case Op::And:
    case Op::Or:
      return 2;
  }
  return 0;
}

/// The value of `op` applied to arity(op) operands (used for constant folding and as the
/// definition the vector loops follow).
inline double applyScalar(Op op, const double* a) {
  switch (op) {
#define IMBW_X1(name, expr)                   \
  case Op::name: {                            \
    const double a0 = a[0];                   \
    return [](double a) { return expr; }(a0); \
  }
    IMBW_EXPR_UNARY_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X1(name, expr) \
  case Op::name:            \
    return [](double a, double b) { return expr; }(a[0], a[1]);
    IMBW_EXPR_BINARY_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X1(name, expr) \
  case Op::name:            \
    return [](double a, double b) -> bool { return expr; }(a[0], a[1]) ? 1.0 : 0.0;
    IMBW_EXPR_COMPARE_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X2(name, n, expr) \
  case Op::name:               \
    return expr;
    IMBW_EXPR_NARY_OPS(IMBW_X2)
#undef IMBW_X2
    case Op::Not:
      return truth(a[0]) ? 0.0 : 1.0;
    case Op::And:
      return (truth(a[0]) && truth(a[1])) ? 1.0 : 0.0;
    case Op::Or:
      return (truth(a[0]) || truth(a[1])) ? 1.0 : 0.0;
    case Op::ToMask:
      return truth(a[0]) ? 1.0 : 0.0;
    case Op::ToDouble:
      return a[0];
  }
  return 0.0;
}

/// A function callable by name in an expression.
struct FunctionInfo {
  std::string_view name;
  Op op;
};

inline constexpr FunctionInfo kFunctions[] = {
    {"abs", Op::Abs},     {"sqrt", Op::Sqrt},         {"exp", Op::Exp},       {"log", Op::Log},
    {"log10", Op::Log10}, {"pow", Op::Pow},           {"min", Op::Min},       {"max", Op::Max},
    {"sin", Op::Sin},     {"cos", Op::Cos},           {"tan", Op::Tan},       {"asin", Op::Asin},
    {"acos", Op::Acos},   {"atan", Op::Atan},         {"atan2", Op::Atan2},   {"sinh", Op::Sinh},
    {"cosh", Op::Cosh},   {"tanh", Op::Tanh},         {"asinh", Op::Asinh},   {"acosh", Op::Acosh},
    {"atanh", Op::Atanh}, {"floor", Op::Floor},       {"ceil", Op::Ceil},     {"round", Op::Round},
    {"sign", Op::Sign},   {"isnan", Op::IsNan},       {"pt", Op::Pt},         {"eta", Op::Eta},
    {"phi", Op::Phi},     {"deltaPhi", Op::DeltaPhi}, {"deltaR", Op::DeltaR}, {"mass", Op::Mass},
    {"mass1", Op::Mass1}, {"rapidity", Op::Rapidity},
};

}  // namespace imbw::expr_detail
