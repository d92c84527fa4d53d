#include "core/expr/expr_program.h"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>

namespace imbw::expr_detail {

namespace {

// Events per block: the scratch registers of one block stay in L1/L2 cache, and each operation
// is one tight loop over the block that the compiler vectorises.
constexpr std::size_t kBlock = 256;

// While compiling, slot references are tagged by kind and renumbered at the end (the number
// of constants is known only then).
constexpr int kConstTag = 1 << 20;
constexpr int kTempTag = 1 << 21;

class Compiler {
 public:
  explicit Compiler(Program& p) : m_p(p) {}

  int node(const Node& n) {
    switch (n.kind) {
      case Node::Kind::Constant:
        return constant(n.value);
      case Node::Kind::Variable:
        return n.variable;
      case Node::Kind::Operation:
        break;
    }
    Instruction ins;
    ins.op = n.op;
    const std::size_t count = n.args.size();
    if (count == 2 && n.args[0]->kind == Node::Kind::Constant) {
      ins.constA = true;
      ins.ka = n.args[0]->value;
      ins.args[1] = node(*n.args[1]);
    } else if (count == 2 && n.args[1]->kind == Node::Kind::Constant) {
      ins.constB = true;
      ins.kb = n.args[1]->value;
      ins.args[0] = node(*n.args[0]);
    } else {
      for (std::size_t k = 0; k < count; ++k) ins.args[k] = node(*n.args[k]);
    }
    // Operands are read element by element before the result is written, so the result may
    // reuse an operand's register.
    for (std::size_t k = 0; k < count; ++k) {
      const bool literal = (k == 0 && ins.constA) || (k == 1 && ins.constB);
      if (!literal) release(ins.args[k]);
    }
    ins.dst = allocate();
    m_p.code.push_back(ins);
    return ins.dst;
  }

  void finish(const Node& root) {
    if (root.kind == Node::Kind::Constant) {
      m_p.constant = true;
      m_p.constantValue = root.value;
      return;
    }
    int r = node(root);
    if (r < kTempTag) {  // a bare variable: copy it so the result is always a register
      Instruction ins;
      ins.op = Op::Copy;
      ins.args[0] = r;
      ins.dst = allocate();
      m_p.code.push_back(ins);
      r = ins.dst;
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
    m_p.result = map(r);
    m_p.variableNeedsDouble.assign(static_cast<std::size_t>(m_p.nVariables), false);
    for (const auto& ins : m_p.code) {
      if (arity(ins.op) == 2) continue;
      for (int k = 0; k < arity(ins.op); ++k) {
        if (ins.args[k] < m_p.nVariables) {
          m_p.variableNeedsDouble[static_cast<std::size_t>(ins.args[k])] = true;
        }
      }
    }
  }

 private:
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

template <class F>
void loop1(F f, const double* a, double* o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = f(a[i]);
}

// Two-operand loops read float32 columns directly (widening each element to double), which
// saves a conversion pass for the common `column OP literal` and `column OP column` terms.
template <class F, class A, class B>
void loop2(F f, const A* a, const B* b, double* o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    o[i] = f(static_cast<double>(a[i]), static_cast<double>(b[i]));
}

template <class F, class A>
void loop2LiteralB(F f, const A* a, double k, double* o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = f(static_cast<double>(a[i]), k);
}

template <class F, class B>
void loop2LiteralA(F f, double k, const B* b, double* o, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) o[i] = f(k, static_cast<double>(b[i]));
}

/// Operand of a two-operand instruction: a float column (f set) or any double slot (d set).
struct Operand {
  const float* f = nullptr;
  const double* d = nullptr;
};

template <class F>
void binary(F f, const Instruction& ins, Operand a, Operand b, double* o, std::size_t n) {
  if (ins.constA) {
    if (b.f) {
      loop2LiteralA(f, ins.ka, b.f, o, n);
    } else {
      loop2LiteralA(f, ins.ka, b.d, o, n);
    }
  } else if (ins.constB) {
    if (a.f) {
      loop2LiteralB(f, a.f, ins.kb, o, n);
    } else {
      loop2LiteralB(f, a.d, ins.kb, o, n);
    }
  } else if (a.f) {
    if (b.f) {
      loop2(f, a.f, b.f, o, n);
    } else {
      loop2(f, a.f, b.d, o, n);
    }
  } else if (b.f) {
    loop2(f, a.d, b.f, o, n);
  } else {
    loop2(f, a.d, b.d, o, n);
  }
}

template <int N, class F>
void loopN(F f, const double* const* in, double* o, std::size_t n) {
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
    // evaluate(): the result register is the caller's output, which saves a copy.
    if (out) m_slot[m_p.result] = out + begin;

    for (const Instruction& ins : m_p.code) execute(ins, len);

    if (keep) {
      const double* r = m_slot[m_p.result];
      std::uint8_t* k = keep + begin;
      for (std::size_t i = 0; i < len; ++i) k[i] = truth(r[i]) ? 1 : 0;
    }
  }

 private:
  double* register_(int slot) { return m_buffer.data() + static_cast<std::size_t>(slot) * kBlock; }

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
#define IMBW_X1(name, expr)                                                    \
  case Op::name:                                                               \
    binary([](double a, double b) { return expr; }, ins, operand(ins.args[0]), \
           operand(ins.args[1]), o, n);                                        \
    break;
      IMBW_EXPR_BINARY_OPS(IMBW_X1)
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
    }
  }

  // ?: written out so that it vectorises as a blend.
  void cond(const Instruction& ins, double* o, std::size_t n) {
    const double* c = m_slot[ins.args[0]];
    const double* x = m_slot[ins.args[1]];
    const double* y = m_slot[ins.args[2]];
    for (std::size_t i = 0; i < n; ++i) o[i] = truth(c[i]) ? x[i] : y[i];
  }

  const Program& m_p;
  std::span<const ColumnRef> m_columns;
  std::vector<double> m_buffer;
  std::vector<const double*> m_slot;
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
  // Small inputs (and calls from inside a parallel region) run on the calling thread: a thread
  // team costs more than it saves below a few blocks.
  if (blocks < 4 || omp_in_parallel() || omp_get_max_threads() < 2) {
    Worker w(p, columns);
    for (std::size_t b = 0; b < blocks; ++b) range(w, b);
    return;
  }
  const auto nb = static_cast<std::ptrdiff_t>(blocks);
#pragma omp parallel
  {
    Worker w(p, columns);
#pragma omp for schedule(static)
    for (std::ptrdiff_t b = 0; b < nb; ++b) range(w, static_cast<std::size_t>(b));
  }
}

}  // namespace imbw::expr_detail
