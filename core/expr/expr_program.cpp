#include "core/expr/expr_program.h"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace imbw::expr_detail {

namespace {

// Events per block: the registers of one block stay in L1 cache, and each operation is one
// tight loop over the block that the compiler vectorises.
constexpr std::size_t kBlock = 256;

// While compiling, slot references are tagged by kind and renumbered at the end (the number
// of constants is known only then).
constexpr int kConstTag = 1 << 20;
constexpr int kTempTag = 1 << 21;

bool isCompare(Op op) {
  switch (op) {
#define IMBW_X1(name, expr) case Op::name:
    IMBW_EXPR_COMPARE_OPS(IMBW_X1)
#undef IMBW_X1
    return true;
    default:
      return false;
  }
}

bool isDoubleBinary(Op op) {
  switch (op) {
#define IMBW_X1(name, expr) case Op::name:
    IMBW_EXPR_BINARY_OPS(IMBW_X1)
#undef IMBW_X1
    return true;
    default:
      return false;
  }
}

class Compiler {
 public:
  explicit Compiler(Program& p) : m_p(p) {}

  /// A compiled sub-expression: a slot reference and whether it holds a mask.
  struct Value {
    int ref = 0;
    bool mask = false;
  };

  Value node(const Node& n) {
    switch (n.kind) {
      case Node::Kind::Constant:
        return {constant(n.value), false};
      case Node::Kind::Variable:
        return {n.variable, false};
      case Node::Kind::Operation:
        break;
    }
    const Op op = n.op;
    const std::size_t count = n.args.size();
    Instruction ins;
    ins.op = op;
    std::vector<Value> operands;

    if (op == Op::And || op == Op::Or) {
      // The parser has folded a deciding literal (x && 0, x || 1); what is left is neutral.
      for (const auto& a : n.args) {
        if (a->kind != Node::Kind::Constant) operands.push_back(asMask(node(*a)));
      }
      if (operands.size() == 1) return operands[0];
    } else if (op == Op::Not) {
      operands.push_back(asMask(node(*n.args[0])));
    } else if (op == Op::Cond) {
      operands.push_back(asMask(node(*n.args[0])));
      operands.push_back(asDouble(node(*n.args[1])));
      operands.push_back(asDouble(node(*n.args[2])));
    } else if (count == 2 && n.args[0]->kind == Node::Kind::Constant) {
      ins.constA = true;
      ins.ka = n.args[0]->value;
      operands.push_back({0, false});
      operands.push_back(asDouble(node(*n.args[1])));
    } else if (count == 2 && n.args[1]->kind == Node::Kind::Constant) {
      ins.constB = true;
      ins.kb = n.args[1]->value;
      operands.push_back(asDouble(node(*n.args[0])));
      operands.push_back({0, false});
    } else {
      for (const auto& a : n.args) operands.push_back(asDouble(node(*a)));
    }
    for (std::size_t k = 0; k < operands.size(); ++k) ins.args[k] = operands[k].ref;
    if (isCompare(op) && (ins.constA || ins.constB)) prepareFloatCompare(ins);
    return emit(ins, operands, op == Op::And || op == Op::Or || op == Op::Not || isCompare(op));
  }

  void finish(const Node& root) {
    if (root.kind == Node::Kind::Constant) {
      m_p.constant = true;
      m_p.constantValue = root.value;
      return;
    }
    Value r = node(root);
    if (r.ref < kTempTag) {  // a bare variable: copy it so the result is always a register
      Instruction ins;
      ins.op = Op::Copy;
      ins.args[0] = r.ref;
      r = emit(ins, {r}, false);
    }
    const int first = m_p.firstTemporary();
    auto map = [&](int ref) {
      if (ref >= kTempTag) return first + (ref - kTempTag);
      if (ref >= kConstTag) return m_p.nVariables + (ref - kConstTag);
      return ref;
    };
    for (auto& ins : m_p.code) {
      ins.dst = map(ins.dst);
      for (int k = 0; k < arity(ins.op); ++k) ins.args[k] = map(ins.args[k]);
    }
    m_p.result = map(r.ref);
    m_p.resultIsMask = r.mask;
    // Two-operand arithmetic and comparisons read float32 columns directly; any other
    // operation needs the column widened to doubles.
    m_p.variableNeedsDouble.assign(static_cast<std::size_t>(m_p.nVariables), false);
    for (const auto& ins : m_p.code) {
      if (isDoubleBinary(ins.op) || isCompare(ins.op)) continue;
      for (int k = 0; k < arity(ins.op); ++k) {
        if (ins.args[k] < m_p.nVariables) {
          m_p.variableNeedsDouble[static_cast<std::size_t>(ins.args[k])] = true;
        }
      }
    }
  }

 private:
  /// For `x OP k` (or `k OP x`) finds a float32 literal k' and OP' such that for every float x
  /// (NaN and infinities included) OP'(x, k') == OP(double(x), k).
  static void prepareFloatCompare(Instruction& ins) {
    Op op = ins.op;
    double k = ins.kb;
    if (ins.constA) {  // k OP x  ==  x OP~ k
      k = ins.ka;
      switch (op) {
        case Op::Lt:
          op = Op::Gt;
          break;
        case Op::Le:
          op = Op::Ge;
          break;
        case Op::Gt:
          op = Op::Lt;
          break;
        case Op::Ge:
          op = Op::Le;
          break;
        default:
          break;
      }
    }
    if (std::isnan(k)) return;
    constexpr double fmax = std::numeric_limits<float>::max();
    constexpr float finf = std::numeric_limits<float>::infinity();
    float lo, hi;  // adjacent floats around k (lo < k < hi) when k is not exactly a float
    if (std::isinf(k) ||
        (std::fabs(k) <= fmax && static_cast<double>(static_cast<float>(k)) == k)) {
      ins.floatCompare = true;
      ins.floatOp = op;
      ins.floatLiteral = static_cast<float>(k);
      return;
    }
    if (k > fmax) {
      lo = static_cast<float>(fmax);
      hi = finf;
    } else if (k < -fmax) {
      lo = -finf;
      hi = -static_cast<float>(fmax);
    } else {
      const float r = static_cast<float>(k);
      if (static_cast<double>(r) < k) {
        lo = r;
        hi = std::nextafter(r, finf);
      } else {
        hi = r;
        lo = std::nextafter(r, -finf);
      }
    }
    switch (op) {
      case Op::Lt:
      case Op::Le:  // x < k  <=>  x <= lo
        ins.floatOp = Op::Le;
        ins.floatLiteral = lo;
        break;
      case Op::Gt:
      case Op::Ge:  // x > k  <=>  x >= hi
        ins.floatOp = Op::Ge;
        ins.floatLiteral = hi;
        break;
      default:  // == and != with a literal no float equals: leave them in double
        return;
    }
    ins.floatCompare = true;
  }

  /// Appends `ins` with a fresh destination. The destination never shares a register with an
  /// operand (registers change type, and the loops are declared free of aliasing).
  Value emit(Instruction ins, const std::vector<Value>& operands, bool mask) {
    ins.dst = allocate();
    for (std::size_t k = 0; k < operands.size(); ++k) {
      const bool literal = (k == 0 && ins.constA) || (k == 1 && ins.constB);
      if (!literal) release(operands[k].ref);
    }
    m_p.code.push_back(ins);
    return {ins.dst, mask};
  }

  Value asMask(Value v) {
    if (v.mask) return v;
    Instruction ins;
    ins.op = Op::ToMask;
    ins.args[0] = v.ref;
    return emit(ins, {v}, true);
  }

  Value asDouble(Value v) {
    if (!v.mask) return v;
    Instruction ins;
    ins.op = Op::ToDouble;
    ins.args[0] = v.ref;
    return emit(ins, {v}, false);
  }

  int constant(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    auto it = m_constants.find(bits);
    if (it != m_constants.end()) return it->second;
    const int ref = kConstTag + static_cast<int>(m_p.constants.size());
    m_p.constants.push_back(v);
    m_constants.emplace(bits, ref);
    return ref;
  }
  int allocate() {
    if (!m_free.empty()) {
      const int t = m_free.back();
      m_free.pop_back();
      return t;
    }
    return kTempTag + m_p.nTemporaries++;
  }
  void release(int ref) {
    if (ref >= kTempTag && std::find(m_free.begin(), m_free.end(), ref) == m_free.end()) {
      m_free.push_back(ref);
    }
  }

  Program& m_p;
  std::vector<int> m_free;
  std::map<std::uint64_t, int> m_constants;
};

using Mask = std::uint8_t;

template <class F>
void loop1(F f, const double* __restrict a, double* __restrict o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = f(a[i]);
}

// Two-operand loops read float32 columns directly (widening each element to double), which
// saves a conversion pass for the common `column OP literal` and `column OP column` terms.
// R is double for arithmetic and Mask for comparisons.
template <class R, class F, class A, class B>
void loop2(F f, const A* __restrict a, const B* __restrict b, R* __restrict o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    o[i] = static_cast<R>(f(static_cast<double>(a[i]), static_cast<double>(b[i])));
  }
}

template <class R, class F, class A>
void loop2LiteralB(F f, const A* __restrict a, double k, R* __restrict o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = static_cast<R>(f(static_cast<double>(a[i]), k));
}

template <class R, class F, class B>
void loop2LiteralA(F f, double k, const B* __restrict b, R* __restrict o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = static_cast<R>(f(k, static_cast<double>(b[i])));
}

/// Operand of a two-operand instruction: a float column (f set) or any double slot (d set).
struct Operand {
  const float* f = nullptr;
  const double* d = nullptr;
};

template <class R, class F>
void binary(F f, const Instruction& ins, Operand a, Operand b, R* o, std::size_t n) {
  if (ins.constA) {
    if (b.f) {
      loop2LiteralA<R>(f, ins.ka, b.f, o, n);
    } else {
      loop2LiteralA<R>(f, ins.ka, b.d, o, n);
    }
  } else if (ins.constB) {
    if (a.f) {
      loop2LiteralB<R>(f, a.f, ins.kb, o, n);
    } else {
      loop2LiteralB<R>(f, a.d, ins.kb, o, n);
    }
  } else if (a.f) {
    if (b.f) {
      loop2<R>(f, a.f, b.f, o, n);
    } else {
      loop2<R>(f, a.f, b.d, o, n);
    }
  } else if (b.f) {
    loop2<R>(f, a.d, b.f, o, n);
  } else {
    loop2<R>(f, a.d, b.d, o, n);
  }
}

template <int N, class F>
void loopN(F f, const double* const* in, double* __restrict o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    double a[N];
    for (int k = 0; k < N; ++k) a[k] = in[k][i];
    o[i] = f(a);
  }
}

/// Per-thread state: scratch registers and the pointer of every slot for the current block.
class Worker {
 public:
  Worker(const Program& p, std::span<const ColumnRef> columns)
      : m_p(p),
        m_columns(columns),
        m_buffer(static_cast<std::size_t>(p.slotCount()) * kBlock),
        m_slot(static_cast<std::size_t>(p.slotCount())),
        m_floatSlot(static_cast<std::size_t>(p.nVariables)) {
    for (std::size_t c = 0; c < p.constants.size(); ++c) {
      double* b = register_(p.nVariables + static_cast<int>(c));
      std::fill(b, b + kBlock, p.constants[c]);
      m_slot[static_cast<std::size_t>(p.nVariables) + c] = b;
    }
  }

  void block(std::size_t begin, std::size_t len, double* out, std::uint8_t* keep) {
    for (int v = 0; v < m_p.nVariables; ++v) {
      const ColumnRef& col = m_columns[static_cast<std::size_t>(m_p.variableColumn[v])];
      if (col.d) {
        m_slot[v] = col.d + begin;
        m_floatSlot[v] = nullptr;
      } else {
        m_floatSlot[v] = col.f + begin;
        m_slot[v] = nullptr;
        // Widened once per block only if some operation other than a two-operand one reads it.
        if (m_p.variableNeedsDouble[static_cast<std::size_t>(v)]) {
          double* r = register_(v);
          const float* f = col.f + begin;
          for (std::size_t i = 0; i < len; ++i) r[i] = f[i];
          m_slot[v] = r;
        }
      }
    }
    for (int t = m_p.firstTemporary(); t < m_p.slotCount(); ++t) m_slot[t] = register_(t);
    // evaluate() of a value: the result register is the caller's output, which saves a copy.
    if (out && !m_p.resultIsMask) m_slot[m_p.result] = out + begin;
    // select() of a cut: the result mask is written straight into the caller's keep flags.
    m_maskResult = (keep && m_p.resultIsMask) ? keep + begin : nullptr;

    for (const Instruction& ins : m_p.code) execute(ins, len);

    const double* r = m_slot[m_p.result];
    if (m_p.resultIsMask) {
      const Mask* m = mask(m_p.result);
      if (out) {
        double* o = out + begin;
        for (std::size_t i = 0; i < len; ++i) o[i] = m[i];
      }
    } else if (keep) {
      std::uint8_t* k = keep + begin;
      for (std::size_t i = 0; i < len; ++i) k[i] = truth(r[i]) ? 1 : 0;
    }
  }

 private:
  double* register_(int slot) { return m_buffer.data() + static_cast<std::size_t>(slot) * kBlock; }
  // A mask register reuses the bytes of its slot's buffer (uint8_t may alias anything).
  Mask* mask(int slot) {
    if (slot == m_p.result && m_maskResult) return m_maskResult;
    return reinterpret_cast<Mask*>(register_(slot));
  }

  Operand operand(int slot) const {
    Operand r;
    if (slot < m_p.nVariables) r.f = m_floatSlot[static_cast<std::size_t>(slot)];
    if (!r.f) r.d = m_slot[static_cast<std::size_t>(slot)];
    return r;
  }

  void execute(const Instruction& ins, std::size_t n) {
    double* o = const_cast<double*>(m_slot[ins.dst]);
    const double* a = m_slot[ins.args[0]];
    switch (ins.op) {
#define IMBW_X1(name, expr)                        \
  case Op::name:                                   \
    loop1([](double a) { return expr; }, a, o, n); \
    break;
      IMBW_EXPR_UNARY_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X1(name, expr)                                                            \
  case Op::name:                                                                       \
    binary<double>([](double a, double b) { return expr; }, ins, operand(ins.args[0]), \
                   operand(ins.args[1]), o, n);                                        \
    break;
      IMBW_EXPR_BINARY_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X1(name, expr)                                                                  \
  case Op::name:                                                                             \
    if (ins.floatCompare && floatOperand(ins)) {                                             \
      compareFloat(ins, floatOperand(ins), mask(ins.dst), n);                                \
      break;                                                                                 \
    }                                                                                        \
    binary<Mask>([](double a, double b) -> bool { return expr; }, ins, operand(ins.args[0]), \
                 operand(ins.args[1]), mask(ins.dst), n);                                    \
    break;
      IMBW_EXPR_COMPARE_OPS(IMBW_X1)
#undef IMBW_X1
#define IMBW_X2(name, N, expr)                                  \
  case Op::name: {                                              \
    if constexpr (Op::name == Op::Cond) {                       \
      cond(ins, o, n);                                          \
    } else {                                                    \
      const double* in[N];                                      \
      for (int k = 0; k < N; ++k) in[k] = m_slot[ins.args[k]];  \
      loopN<N>([](const double* a) { return expr; }, in, o, n); \
    }                                                           \
    break;                                                      \
  }
      IMBW_EXPR_NARY_OPS(IMBW_X2)
#undef IMBW_X2
      case Op::Not: {
        const Mask* __restrict x = mask(ins.args[0]);
        Mask* __restrict r = mask(ins.dst);
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] ^ 1;
        break;
      }
      case Op::And:
      case Op::Or: {
        const Mask* __restrict x = mask(ins.args[0]);
        const Mask* __restrict y = mask(ins.args[1]);
        Mask* __restrict r = mask(ins.dst);
        if (ins.op == Op::And) {
          for (std::size_t i = 0; i < n; ++i) r[i] = x[i] & y[i];
        } else {
          for (std::size_t i = 0; i < n; ++i) r[i] = x[i] | y[i];
        }
        break;
      }
      case Op::ToMask: {
        Mask* __restrict r = mask(ins.dst);
        for (std::size_t i = 0; i < n; ++i) r[i] = truth(a[i]) ? 1 : 0;
        break;
      }
      case Op::ToDouble: {
        const Mask* __restrict x = mask(ins.args[0]);
        for (std::size_t i = 0; i < n; ++i) o[i] = x[i];
        break;
      }
    }
  }

  /// The float32 column of a column-with-literal comparison, or null.
  const float* floatOperand(const Instruction& ins) const {
    const int slot = ins.constA ? ins.args[1] : ins.args[0];
    return slot < m_p.nVariables ? m_floatSlot[static_cast<std::size_t>(slot)] : nullptr;
  }

  static void compareFloat(const Instruction& ins, const float* __restrict x, Mask* __restrict r,
                           std::size_t n) {
    const float k = ins.floatLiteral;
    switch (ins.floatOp) {
      case Op::Lt:
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] < k;
        break;
      case Op::Le:
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] <= k;
        break;
      case Op::Gt:
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] > k;
        break;
      case Op::Ge:
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] >= k;
        break;
      case Op::Eq:
        for (std::size_t i = 0; i < n; ++i) r[i] = x[i] == k;
        break;
      case Op::Ne:
        for (std::size_t i = 0; i < n; ++i) r[i] = (x[i] < k) | (x[i] > k);
        break;
      default:
        break;
    }
  }

  // ?: written out so that it vectorises as a blend.
  void cond(const Instruction& ins, double* __restrict o, std::size_t n) {
    const Mask* __restrict c = mask(ins.args[0]);
    const double* __restrict x = m_slot[ins.args[1]];
    const double* __restrict y = m_slot[ins.args[2]];
    for (std::size_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
  }

  const Program& m_p;
  std::span<const ColumnRef> m_columns;
  std::vector<double> m_buffer;
  std::vector<const double*> m_slot;
  Mask* m_maskResult = nullptr;
  std::vector<const float*> m_floatSlot;  // per variable: its float column this block, or null
};

}  // namespace

Program compile(std::string text, ParseResult parsed) {
  Program p;
  p.text = std::move(text);
  p.variables = std::move(parsed.variables);
  p.spans = std::move(parsed.spans);
  p.nVariables = static_cast<int>(p.variables.size());
  Compiler(p).finish(*parsed.root);
  return p;
}

constexpr std::size_t kParallelBlocks = 1024;

void run(const Program& p, std::span<const ColumnRef> columns, std::size_t n, double* out,
         std::uint8_t* keep) {
  if (n == 0) return;
  if (p.constant) {
    if (out) std::fill(out, out + n, p.constantValue);
    if (keep) std::fill(keep, keep + n, truth(p.constantValue) ? 1 : 0);
    return;
  }
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  auto range = [&](Worker& w, std::size_t b) {
    const std::size_t begin = b * kBlock;
    w.block(begin, std::min(kBlock, n - begin), out, keep);
  };
  // Inputs below ~260k events (and calls from inside a parallel region) run on the calling
  // thread. Such a call takes well under a millisecond, and a thread team would then spin in
  // libgomp between calls, taking a core from the caller: when the loader evaluates a cut per
  // 65k-event chunk while reading, that spinning made the read 4x slower on 2 cores.
  if (blocks < kParallelBlocks || omp_in_parallel() || omp_get_max_threads() < 2) {
    Worker w(p, columns);
    for (std::size_t b = 0; b < blocks; ++b) range(w, b);
    return;
  }
  const auto nb = static_cast<std::ptrdiff_t>(blocks);
#pragma omp parallel
  {
    Worker w(p, columns);
    // Dynamic chunks of 16 blocks (4096 events): on a shared machine a descheduled thread's
    // share is picked up by the other instead of holding up the whole call.
#pragma omp for schedule(dynamic, 16)
    for (std::ptrdiff_t b = 0; b < nb; ++b) range(w, static_cast<std::size_t>(b));
  }
}

}  // namespace imbw::expr_detail
