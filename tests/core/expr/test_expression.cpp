// Tests of the expression engine. Every expected value is computed here independently: by hand,
// with the std:: functions, or with a plain scalar loop.
#include <QtTest/QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/expr/expression.h"

using imbw::BoundExpression;
using imbw::ColumnRef;
using imbw::Expression;
using imbw::ExpressionError;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = std::numbers::pi;

/// Same value: both NaN, the same infinity, or within `tol` (relative above 1, absolute below).
bool same(double got, double want, double tol = 1e-14) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= tol * std::max(1.0, std::fabs(want));
}

QByteArray describe(const std::string& text, double got, double want) {
  return QByteArray::fromStdString(text + ": got " + std::to_string(got) + ", want " +
                                   std::to_string(want));
}

/// Evaluates `text` over double columns `names` holding `cols`.
std::vector<double> evalDouble(const std::string& text, const std::vector<std::string>& names,
                               const std::vector<std::vector<double>>& cols) {
  const BoundExpression b = Expression::parse(text).bind(names);
  std::vector<ColumnRef> refs(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) refs[c].d = cols[c].data();
  const std::size_t n = cols.empty() ? 1 : cols[0].size();
  std::vector<double> out(n, -12345.0);
  b.evaluate(refs, n, out.data());
  return out;
}

std::vector<double> evalFloat(const std::string& text, const std::vector<std::string>& names,
                              const std::vector<std::vector<float>>& cols) {
  const BoundExpression b = Expression::parse(text).bind(names);
  std::vector<ColumnRef> refs(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) refs[c].f = cols[c].data();
  const std::size_t n = cols.empty() ? 1 : cols[0].size();
  std::vector<double> out(n, -12345.0);
  b.evaluate(refs, n, out.data());
  return out;
}

/// One event; variables a=1, b=2, c=3, d=4, e=5, x, y as given.
double evalAbcde(const std::string& text) {
  return evalDouble(text, {"a", "b", "c", "d", "e"}, {{1}, {2}, {3}, {4}, {5}})[0];
}

double evalConstant(const std::string& text) {
  return evalDouble(text, {}, {})[0];
}

/// The error parse (and, when `available` is given, bind) throws.
ExpressionError errorOf(const std::string& text, const std::vector<std::string>& available = {},
                        bool bind = false) {
  try {
    const Expression e = Expression::parse(text);
    if (bind) e.bind(available);
  } catch (const ExpressionError& err) {
    return err;
  }
  return ExpressionError(9999, 0, "no error thrown");
}

}  // namespace

class TestExpression : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void literals() {
    QCOMPARE(evalConstant("1"), 1.0);
    QCOMPARE(evalConstant("2.5"), 2.5);
    QCOMPARE(evalConstant("1e-3"), 1e-3);
    QCOMPARE(evalConstant("1E3"), 1000.0);
    QCOMPARE(evalConstant(".5"), 0.5);
    QCOMPARE(evalConstant("3."), 3.0);
    QCOMPARE(evalConstant("pi"), kPi);
    QVERIFY(std::isinf(evalConstant("1e999")));
    QCOMPARE(evalConstant("1e-999"), 0.0);
    QCOMPARE(evalConstant("2.5e-310"), 2.5e-310);  // subnormal, still representable
    QVERIFY(Expression::parse("1 + 2 * pi").bind({}).isConstant());
    QVERIFY(!Expression::parse("a + 1").bind({"a"}).isConstant());
  }

  void precedenceAndAssociativity_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("want");
    // Every case twice: on literals (constant-folded while parsing) and on columns a..e = 1..5
    // (run by the vector evaluator).
    const struct {
      const char* literal;
      const char* columns;
      double want;
    } cases[] = {
        {"1 + 2 * 3", "a + b * c", 7},
        {"(1 + 2) * 3", "(a + b) * c", 9},
        {"5 - 3 - 1", "e - c - a", 1},  // left: (5-3)-1, not 5-(3-1)=3
        {"4 / 2 / 2", "d / b / b", 1},  // left: (4/2)/2, not 4/(2/2)=4
        {"2 * 3 % 4", "b * c % d", 2},  // same level, left: (2*3)%4, not 2*(3%4)=6
        {"5 % 3 * 2", "e % c * b", 4},  // (5%3)*2
        {"-2 * 3", "-b * c", -6},
        {"- -2", "- -b", 2},
        {"2 - -3", "b - -c", 5},
        {"+3", "+c", 3},
        {"1 + 2 < 4", "a + b < d", 1},      // arithmetic before comparison
        {"3 < 2 == 0", "c < b == 0", 1},    // relational before equality
        {"1 < 2 < 3", "a < b < c", 1},      // (1<2)<3 = 1<3
        {"3 > 2 > 1", "c > b > a", 0},      // (3>2)>1 = 1>1 = 0
        {"1 || 0 && 0", "a || 0 && 0", 1},  // && before ||: 1 || (0 && 0)
        {"0 && 1 || 1", "0 && a || a", 1},
        {"!0 + 1", "!0 + a", 2},  // unary before binary
        {"!(0 + 1)", "!(0 + a)", 0},
        {"!!5", "!!e", 1},
        {"1 ? 0 : 1 ? 4 : 5", "a ? 0 : a ? d : e", 0},  // right assoc.: 1?0:(1?4:5)
        {"0 ? 2 : 0 ? 4 : 5", "0 ? b : 0 ? d : e", 5},
        {"1 - 2 < 0 ? 10 : 20", "a - b < 0 ? 10 : 20", 10},  // ?: binds loosest
        {"0 || 1 ? 7 : 8", "0 || a ? 7 : 8", 7},
        {"2 == 2 != 0", "b == b != 0", 1},
        {"1 + 2 * 3 - 4 / 2", "a + b * c - d / b", 5},
        {"2 * (3 + 4) * 5", "b * (c + d) * e", 70},
        {"1 <= 1", "a <= a", 1},
        {"2 >= 3", "b >= c", 0},
    };
    for (const auto& c : cases) {
      QTest::newRow(c.literal) << QString(c.literal) << c.want;
      QTest::newRow(c.columns) << QString(c.columns) << c.want;
    }
  }
  void precedenceAndAssociativity() {
    QFETCH(QString, text);
    QFETCH(double, want);
    const double got = evalAbcde(text.toStdString());
    QVERIFY2(same(got, want), describe(text.toStdString(), got, want));
  }

  void unaryFunctionsMatchStd() {
    const std::vector<double> xs{-3.7, -1.0, -0.5, -0.0, 0.0,   0.25, 0.5,  0.999, 1.0,  1.5,
                                 2.5,  3.5,  10.0, 1e-8, -1e-8, 700,  kNaN, kInf,  -kInf};
    const struct {
      const char* name;
      std::function<double(double)> ref;
    } fns[] = {
        {"abs", [](double x) { return std::fabs(x); }},
        {"sqrt", [](double x) { return std::sqrt(x); }},
        {"exp", [](double x) { return std::exp(x); }},
        {"log", [](double x) { return std::log(x); }},
        {"log10", [](double x) { return std::log10(x); }},
        {"sin", [](double x) { return std::sin(x); }},
        {"cos", [](double x) { return std::cos(x); }},
        {"tan", [](double x) { return std::tan(x); }},
        {"asin", [](double x) { return std::asin(x); }},
        {"acos", [](double x) { return std::acos(x); }},
        {"atan", [](double x) { return std::atan(x); }},
        {"sinh", [](double x) { return std::sinh(x); }},
        {"cosh", [](double x) { return std::cosh(x); }},
        {"tanh", [](double x) { return std::tanh(x); }},
        {"asinh", [](double x) { return std::asinh(x); }},
        {"acosh", [](double x) { return std::acosh(x); }},
        {"atanh", [](double x) { return std::atanh(x); }},
        {"floor", [](double x) { return std::floor(x); }},
        {"ceil", [](double x) { return std::ceil(x); }},
        {"round", [](double x) { return std::round(x); }},
        {"sign", [](double x) { return std::isnan(x) ? x : (x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0)); }},
        {"isnan", [](double x) { return std::isnan(x) ? 1.0 : 0.0; }},
    };
    for (const auto& f : fns) {
      const std::string text = std::string(f.name) + "(x)";
      const auto got = evalDouble(text, {"x"}, {xs});
      for (std::size_t i = 0; i < xs.size(); ++i) {
        QVERIFY2(same(got[i], f.ref(xs[i])),
                 describe(text + " at " + std::to_string(xs[i]), got[i], f.ref(xs[i])));
        // Constant folding gives the same value (the literal form of x where one exists).
        if (std::isfinite(xs[i])) {
          char lit[64];
          std::snprintf(lit, sizeof lit, "%.17g", xs[i]);
          const std::string folded = std::string(f.name) + "(" + lit + ")";
          QVERIFY2(same(evalConstant(folded), f.ref(xs[i])),
                   describe(folded, evalConstant(folded), f.ref(xs[i])));
        }
      }
    }
  }

  void binaryFunctionsAndOperatorsMatchStd() {
    const std::vector<double> as{-2.5, -1.0, 0.0, 0.5, 2.0, 3.0, 7.5, kNaN, 1.0, kInf};
    const std::vector<double> bs{1.5, -4.0, 2.0, 0.0, 3.0, -0.5, 2.0, 1.0, kNaN, 2.0};
    auto nanOr = [](double a, double b, double v) {
      return (std::isnan(a) || std::isnan(b)) ? kNaN : v;
    };
    const struct {
      const char* text;
      std::function<double(double, double)> ref;
    } fns[] = {
        {"pow(a, b)", [](double a, double b) { return std::pow(a, b); }},
        {"atan2(a, b)", [](double a, double b) { return std::atan2(a, b); }},
        {"min(a, b)", [&](double a, double b) { return nanOr(a, b, std::min(a, b)); }},
        {"max(a, b)", [&](double a, double b) { return nanOr(a, b, std::max(a, b)); }},
        {"a % b", [](double a, double b) { return std::fmod(a, b); }},
        {"a + b", [](double a, double b) { return a + b; }},
        {"a - b", [](double a, double b) { return a - b; }},
        {"a * b", [](double a, double b) { return a * b; }},
        {"a / b", [](double a, double b) { return a / b; }},
        {"a < b", [](double a, double b) { return a < b ? 1.0 : 0.0; }},
        {"a <= b", [](double a, double b) { return a <= b ? 1.0 : 0.0; }},
        {"a > b", [](double a, double b) { return a > b ? 1.0 : 0.0; }},
        {"a >= b", [](double a, double b) { return a >= b ? 1.0 : 0.0; }},
        {"a == b", [](double a, double b) { return a == b ? 1.0 : 0.0; }},
        // NaN compared is false, also for != (unlike IEEE).
        {"a != b",
         [](double a, double b) {
           return (std::isnan(a) || std::isnan(b)) ? 0.0 : (a != b ? 1.0 : 0.0);
         }},
    };
    for (const auto& f : fns) {
      const auto got = evalDouble(f.text, {"a", "b"}, {as, bs});
      for (std::size_t i = 0; i < as.size(); ++i) {
        const double want = f.ref(as[i], bs[i]);
        QVERIFY2(same(got[i], want),
                 describe(std::string(f.text) + " at (" + std::to_string(as[i]) + ", " +
                              std::to_string(bs[i]) + ")",
                          got[i], want));
      }
      // A literal on either side takes another code path in the evaluator.
      const std::string withLiteralB =
          std::regex_replace(std::string(f.text), std::regex("\\bb\\b"), "2.5");
      const auto gotB = evalDouble(withLiteralB, {"a"}, {as});
      for (std::size_t i = 0; i < as.size(); ++i) {
        QVERIFY2(same(gotB[i], f.ref(as[i], 2.5)),
                 describe(withLiteralB, gotB[i], f.ref(as[i], 2.5)));
      }
      const std::string withLiteralA =
          std::regex_replace(std::string(f.text), std::regex("\\ba\\b"), "2.5");
      const auto gotA = evalDouble(withLiteralA, {"b"}, {bs});
      for (std::size_t i = 0; i < bs.size(); ++i) {
        QVERIFY2(same(gotA[i], f.ref(2.5, bs[i])),
                 describe(withLiteralA, gotA[i], f.ref(2.5, bs[i])));
      }
    }
  }

  void hepPtEtaPhi() {
    QCOMPARE(evalDouble("pt(px, py)", {"px", "py"}, {{3.0}, {4.0}})[0], 5.0);
    QCOMPARE(evalDouble("pt(px, py)", {"px", "py"}, {{-6.0}, {8.0}})[0], 10.0);
    const auto phi = evalDouble("phi(px, py)", {"px", "py"},
                                {{1.0, 0.0, -1.0, 1.0, 0.0}, {0.0, 1.0, 0.0, 1.0, -2.0}});
    QVERIFY(same(phi[0], 0.0));
    QVERIFY(same(phi[1], kPi / 2));
    QVERIFY(same(phi[2], kPi));
    QVERIFY(same(phi[3], kPi / 4));
    QVERIFY(same(phi[4], -kPi / 2));
    // A particle with pT = 2 at pseudorapidity 1.5 has pz = pT sinh(1.5).
    const double pz = 2.0 * std::sinh(1.5);
    const auto eta = evalDouble("eta(px, py, pz)", {"px", "py", "pz"},
                                {{2.0, 0.0, 1.2}, {0.0, 2.0, -1.6}, {pz, -pz, 0.0}});
    QVERIFY(same(eta[0], 1.5, 1e-12));
    QVERIFY(same(eta[1], -1.5, 1e-12));
    QVERIFY(same(eta[2], 0.0));
  }

  void hepDeltaPhiWrapsAcrossPi() {
    const std::vector<double> a{3.0, -3.1, 0.5, 0.0, 0.0, 10.0, 1.0};
    const std::vector<double> b{-3.0, 3.1, 0.2, kPi, 1.5 * kPi, 0.0, 1.0};
    const std::vector<double> want{
        2 * kPi - 6.0, 2 * kPi - 6.2, 0.3, kPi, 0.5 * kPi, 2 * kPi - (10.0 - 2 * kPi), 0.0};
    const auto got = evalDouble("deltaPhi(a, b)", {"a", "b"}, {a, b});
    for (std::size_t i = 0; i < a.size(); ++i) {
      QVERIFY2(same(got[i], want[i], 1e-12), describe("deltaPhi", got[i], want[i]));
      QVERIFY(got[i] >= 0.0 && got[i] <= kPi);
    }
    // Symmetric, and agrees with the WW definition min(|Δφ|, 2π − |Δφ|) for φ in [-π, π].
    const auto swapped = evalDouble("deltaPhi(b, a)", {"a", "b"}, {a, b});
    const auto ww = evalDouble("min(abs(a - b), 2*pi - abs(a - b))", {"a", "b"}, {a, b});
    for (std::size_t i = 0; i < a.size(); ++i) {
      QVERIFY(same(swapped[i], got[i]));
      if (std::fabs(a[i]) <= kPi && std::fabs(b[i]) <= kPi) QVERIFY(same(ww[i], got[i], 1e-12));
    }
    // deltaR = sqrt(Δη² + Δφ²) with the wrapped Δφ.
    const double dr = evalDouble("deltaR(e1, p1, e2, p2)", {"e1", "p1", "e2", "p2"},
                                 {{1.0}, {3.0}, {0.5}, {-3.0}})[0];
    QVERIFY(same(dr, std::sqrt(0.25 + (2 * kPi - 6.0) * (2 * kPi - 6.0)), 1e-12));
  }

  void hepInvariantMass() {
    const std::vector<std::string> names{"e1", "x1", "y1", "z1", "e2", "x2", "y2", "z2"};
    const std::string text = "mass(e1, x1, y1, z1, e2, x2, y2, z2)";
    // Two massless particles back to back along z, 50 GeV each: m = 100.
    QVERIFY(same(evalDouble(text, names, {{50}, {0}, {0}, {50}, {50}, {0}, {0}, {-50}})[0], 100.0));
    // Back to back in the transverse plane (|p| = 50): m = 100.
    QVERIFY(
        same(evalDouble(text, names, {{50}, {30}, {40}, {0}, {50}, {-30}, {-40}, {0}})[0], 100.0));
    // Two massless 10 GeV particles at 90°: m² = 2·E1·E2·(1 − cos 90°) = 200.
    QVERIFY(same(evalDouble(text, names, {{10}, {10}, {0}, {0}, {10}, {0}, {10}, {0}})[0],
                 std::sqrt(200.0)));
    // Collinear massless particles: m = 0.
    QVERIFY(same(evalDouble(text, names, {{10}, {10}, {0}, {0}, {5}, {5}, {0}, {0}})[0], 0.0));

    // mass1: a W built from (pT, η, φ, m) comes back with its mass.
    const double m = 80.4, pt = 30.0, eta = 0.7, phi = 1.2;
    const double px = pt * std::cos(phi), py = pt * std::sin(phi), pz = pt * std::sinh(eta);
    const double e = std::sqrt(m * m + px * px + py * py + pz * pz);
    QVERIFY(same(
        evalDouble("mass1(e, px, py, pz)", {"e", "px", "py", "pz"}, {{e}, {px}, {py}, {pz}})[0], m,
        1e-12));
    QVERIFY(same(evalConstant("mass1(10, 6, 0, 0)"), 8.0));
    // Space-like (E < |p|, e.g. from rounding) is clamped to 0, not NaN.
    QCOMPARE(evalConstant("mass1(1, 2, 0, 0)"), 0.0);
    // rapidity(E=5, pz=3) = ½ ln(8/2) = ln 2.
    QVERIFY(same(evalConstant("rapidity(5, 3)"), std::log(2.0)));
    QVERIFY(same(evalDouble("rapidity(e, pz)", {"e", "pz"}, {{5.0}, {-3.0}})[0], -std::log(2.0)));
  }

  void wwExampleFeaturesAreExpressible() {
    // The WW features of REFERENCE.md written as expressions over the raw columns, checked
    // against an independent computation (atanh(pz/|p|) for η, remainder() for Δφ, std::hypot).
    const std::vector<std::string> names{"j1_e",  "j1_px", "j1_py", "j1_pz", "j2_e",  "j2_px",
                                         "j2_py", "j2_pz", "W1_e",  "W1_px", "W1_py", "W1_pz",
                                         "W2_e",  "W2_px", "W2_py", "W2_pz"};
    const std::size_t n = 2000;
    std::vector<std::vector<float>> cols(names.size(), std::vector<float>(n));
    std::uint64_t s = 7;
    auto uniform = [&] {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(s >> 11) * 0x1.0p-53;
    };
    for (std::size_t i = 0; i < n; ++i) {
      for (int p = 0; p < 4; ++p) {
        const double m = p < 2 ? 5 * uniform() : 80.4;
        const double px = 400 * uniform() - 200, py = 400 * uniform() - 200;
        const double pz = 1000 * uniform() - 500;
        cols[4 * p + 0][i] = static_cast<float>(std::sqrt(m * m + px * px + py * py + pz * pz));
        cols[4 * p + 1][i] = static_cast<float>(px);
        cols[4 * p + 2][i] = static_cast<float>(py);
        cols[4 * p + 3][i] = static_cast<float>(pz);
      }
    }
    const std::string etaJ1 = "eta(j1_px, j1_py, j1_pz)", etaJ2 = "eta(j2_px, j2_py, j2_pz)";
    const std::string lead = "pt(j1_px, j1_py) >= pt(j2_px, j2_py)";
    const std::string leadW = "pt(W1_px, W1_py) >= pt(W2_px, W2_py)";
    const std::string etaW1 =
        "(" + leadW + " ? eta(W1_px, W1_py, W1_pz) : eta(W2_px, W2_py, W2_pz))";
    const std::vector<std::string> features{
        "max(pt(j1_px, j1_py), pt(j2_px, j2_py))",
        lead + " ? " + etaJ1 + " : " + etaJ2,
        "mass(j1_e, j1_px, j1_py, j1_pz, j2_e, j2_px, j2_py, j2_pz)",
        "abs(" + etaJ1 + " - " + etaJ2 + ")",
        "deltaPhi(phi(j1_px, j1_py), phi(j2_px, j2_py))",
        "(" + etaW1 + " - (" + etaJ1 + " + " + etaJ2 + ") / 2) / abs(" + etaJ1 + " - " + etaJ2 +
            ")",
        "deltaR(eta(j1_px + j2_px, j1_py + j2_py, j1_pz + j2_pz), phi(j1_px + j2_px, j1_py + "
        "j2_py), eta(W1_px + W2_px, W1_py + W2_py, W1_pz + W2_pz), phi(W1_px + W2_px, W1_py + "
        "W2_py))",
    };
    struct V {
      double e, px, py, pz;
      double pt() const { return std::hypot(px, py); }
      double eta() const { return std::atanh(pz / std::sqrt(px * px + py * py + pz * pz)); }
      double phi() const { return std::atan2(py, px); }
      V operator+(const V& o) const { return {e + o.e, px + o.px, py + o.py, pz + o.pz}; }
    };
    auto dphi = [](double a, double b) { return std::fabs(std::remainder(a - b, 2 * kPi)); };
    std::vector<ColumnRef> refs(names.size());
    for (std::size_t c = 0; c < names.size(); ++c) refs[c].f = cols[c].data();
    for (std::size_t f = 0; f < features.size(); ++f) {
      const BoundExpression b = Expression::parse(features[f]).bind(names);
      std::vector<double> out(n);
      b.evaluate(refs, n, out.data());
      for (std::size_t i = 0; i < n; ++i) {
        auto v = [&](int p) {
          return V{cols[4 * p][i], cols[4 * p + 1][i], cols[4 * p + 2][i], cols[4 * p + 3][i]};
        };
        const V j1 = v(0), j2 = v(1), w1 = v(2), w2 = v(3);
        const V& jl = j1.pt() >= j2.pt() ? j1 : j2;
        const V& wl = w1.pt() >= w2.pt() ? w1 : w2;
        const V jj = j1 + j2, ww = w1 + w2;
        const double deta = std::fabs(j1.eta() - j2.eta());
        double want = 0;
        switch (f) {
          case 0:
            want = jl.pt();
            break;
          case 1:
            want = jl.eta();
            break;
          case 2:
            want = std::sqrt(
                std::max(0.0, jj.e * jj.e - jj.px * jj.px - jj.py * jj.py - jj.pz * jj.pz));
            break;
          case 3:
            want = deta;
            break;
          case 4:
            want = dphi(j1.phi(), j2.phi());
            break;
          case 5:
            want = (wl.eta() - (j1.eta() + j2.eta()) / 2) / deta;
            break;
          case 6:
            want = std::hypot(jj.eta() - ww.eta(), dphi(jj.phi(), ww.phi()));
            break;
        }
        QVERIFY2(same(out[i], want, 1e-9),
                 describe(features[f] + " event " + std::to_string(i), out[i], want));
      }
    }
  }

  void nanAndInfinity() {
    const std::vector<double> x{kNaN, kInf, -kInf, 0.0, 2.0};
    auto at = [&](const std::string& text) { return evalDouble(text, {"x"}, {x}); };
    const auto plus = at("x + 1");
    QVERIFY(std::isnan(plus[0]));
    QCOMPARE(plus[1], kInf);
    QCOMPARE(plus[2], -kInf);
    const auto diff = at("x - x");
    QVERIFY(std::isnan(diff[0]) && std::isnan(diff[1]) && std::isnan(diff[2]));
    // Comparisons with NaN are false, including !=; NaN is false in && || ! ?:.
    const std::vector<double> gt{0, 1, 0, 0, 1};
    const std::vector<double> ne{0, 1, 1, 0, 1};
    const std::vector<double> andOne{0, 1, 1, 0, 1};
    const std::vector<double> orZero{0, 1, 1, 0, 1};
    const std::vector<double> notX{1, 0, 0, 1, 0};
    const std::vector<double> cond{20, 10, 10, 20, 10};
    const std::vector<double> eqSelf{0, 1, 1, 1, 1};
    QCOMPARE(at("x > 0"), (std::vector<double>{0, 1, 0, 0, 1}));
    QCOMPARE(at("x != 0"), ne);
    QCOMPARE(at("x && 1"), andOne);
    QCOMPARE(at("x || 0"), orZero);
    QCOMPARE(at("x || 1"), (std::vector<double>{1, 1, 1, 1, 1}));
    QCOMPARE(at("!x"), notX);
    QCOMPARE(at("x ? 10 : 20"), cond);
    QCOMPARE(at("x == x"), eqSelf);
    QCOMPARE(at("isnan(x)"), (std::vector<double>{1, 0, 0, 0, 0}));
    QVERIFY(std::isnan(at("min(x, 1)")[0]) && std::isnan(at("max(1, x)")[0]));
    QCOMPARE(at("min(x, 1)")[1], 1.0);
    QCOMPARE(at("max(x, 1)")[2], 1.0);
    QVERIFY(std::isnan(at("pt(x, 1)")[0]));
    QCOMPARE(at("pt(x, 1)")[1], kInf);
    QVERIFY(std::isnan(at("mass1(x, 1, 1, 1)")[0]));  // the clamp must not hide NaN
    QVERIFY(std::isnan(at("deltaPhi(x, 1)")[0]));
    QCOMPARE(evalConstant("1 / 0"), kInf);
    QVERIFY(std::isnan(evalConstant("0 / 0")));
    QVERIFY(std::isnan(evalConstant("sqrt(-1)")));
    QCOMPARE(evalConstant("log(0)"), -kInf);

    // select keeps value != 0 and not NaN.
    const std::vector<double> v{0.0, 1.0, -2.0, kNaN, 0.5, kInf, -0.0};
    const BoundExpression b = Expression::parse("v").bind({"v"});
    ColumnRef ref;
    ref.d = v.data();
    std::vector<std::uint8_t> keep(v.size(), 7);
    b.select({&ref, 1}, v.size(), keep.data());
    QCOMPARE(keep, (std::vector<std::uint8_t>{0, 1, 1, 0, 1, 1, 0}));
    // A constant cut selects all or nothing.
    Expression::parse("1 < 2").bind({}).select({}, 3, keep.data());
    QCOMPARE(keep[0] + keep[1] + keep[2], 3);
    Expression::parse("0 / 0").bind({}).select({}, 3, keep.data());
    QCOMPARE(keep[0] + keep[1] + keep[2], 0);
  }

  void truthValuesMixWithNumbers() {
    // Comparisons and logic yield true/false that must also work as numbers 1/0, and numbers
    // must work as conditions (non-zero and not NaN is true).
    const std::vector<double> a{1, 2, 3, kNaN, 0, -1};
    const std::vector<double> b{2, 2, 1, 1, 0, kNaN};
    auto t = [](bool v) { return v ? 1.0 : 0.0; };
    auto truth = [](double v) { return v != 0 && !std::isnan(v); };
    const struct {
      const char* text;
      std::function<double(double, double)> ref;
    } cases[] = {
        {"(a < b) + (b < a) * 10", [&](double x, double y) { return t(x < y) + t(y < x) * 10; }},
        {"-(a >= b)", [&](double x, double y) { return -t(x >= y); }},
        {"!(a > b) * 3", [&](double x, double y) { return t(!(x > y)) * 3; }},
        {"(a < b) == (b > a)", [&](double x, double y) { return t(t(x < y) == t(y > x)); }},
        {"a && b", [&](double x, double y) { return t(truth(x) && truth(y)); }},
        {"a || b", [&](double x, double y) { return t(truth(x) || truth(y)); }},
        {"!a || b > 1", [&](double x, double y) { return t(!truth(x) || y > 1); }},
        {"a && 2", [&](double x, double) { return t(truth(x)); }},
        {"0 || a", [&](double x, double) { return t(truth(x)); }},
        {"a && 0", [&](double, double) { return 0.0; }},
        {"b || 1", [&](double, double) { return 1.0; }},
        {"a ? b : -1", [&](double x, double y) { return truth(x) ? y : -1.0; }},
        {"a > b ? a : b", [&](double x, double y) { return x > y ? x : y; }},
        {"(a > 1) ? (b < 2) : (a < b)",
         [&](double x, double y) { return x > 1 ? t(y < 2) : t(x < y); }},
        {"sqrt(a > 0) + abs(a)", [&](double x, double) { return t(x > 0) + std::fabs(x); }},
        {"1 ? a : b", [&](double x, double) { return x; }},
        {"0 ? a : b", [&](double, double y) { return y; }},
    };
    for (const auto& c : cases) {
      const auto got = evalDouble(c.text, {"a", "b"}, {a, b});
      const BoundExpression bound = Expression::parse(c.text).bind({"a", "b"});
      std::vector<ColumnRef> refs(2);
      refs[0].d = a.data();
      refs[1].d = b.data();
      std::vector<std::uint8_t> keep(a.size(), 9);
      bound.select(refs, a.size(), keep.data());
      for (std::size_t i = 0; i < a.size(); ++i) {
        const double want = c.ref(a[i], b[i]);
        QVERIFY2(same(got[i], want),
                 describe(std::string(c.text) + " at event " + std::to_string(i), got[i], want));
        QVERIFY2(
            keep[i] == (truth(want) ? 1 : 0),
            QByteArray::fromStdString(std::string(c.text) + " select at " + std::to_string(i)));
      }
    }
  }

  void floatAndDoubleInputs() {
    const std::vector<float> f{0.1f, -2.75f, 1e-7f, 3.4e38f,
                               std::numeric_limits<float>::quiet_NaN()};
    const std::vector<double> d{0.1, 3.0, -1.0, 2.0, 1.0};
    // Float columns are widened to double before any arithmetic.
    const auto got = evalFloat("x * 3 + 1", {"x"}, {f});
    for (std::size_t i = 0; i < f.size(); ++i) {
      QVERIFY(same(got[i], static_cast<double>(f[i]) * 3 + 1, 0.0));
    }
    QVERIFY(got[3] < kInf);  // 3.4e38 * 3 would overflow a float, not a double
    // Mixed: a double weight times a float feature.
    const BoundExpression b = Expression::parse("w * x").bind({"x", "w"});
    std::vector<ColumnRef> refs(2);
    refs[0].f = f.data();
    refs[1].d = d.data();
    std::vector<double> out(f.size());
    b.evaluate(refs, f.size(), out.data());
    for (std::size_t i = 0; i < f.size(); ++i) {
      QVERIFY(same(out[i], d[i] * static_cast<double>(f[i]), 0.0));
    }
    // The double column keeps precision a float would lose.
    QVERIFY(same(evalDouble("w - 0.1", {"w"}, {{0.1}})[0], 0.0, 0.0));
    QVERIFY(evalFloat("w - 0.1", {"w"}, {{0.1f}})[0] != 0.0);
  }

  void floatColumnComparedWithLiteralIsExact() {
    // A float32 column compared with a literal runs in single precision with an adjusted
    // literal; it must agree with comparing the widened value in double, at the boundaries too.
    constexpr float fmax = std::numeric_limits<float>::max();
    constexpr float finf = std::numeric_limits<float>::infinity();
    const std::vector<double> literals{0.2,
                                       0.7,
                                       0.1,
                                       1.0,
                                       -0.3,
                                       1e39,
                                       -1e39,
                                       fmax,
                                       -fmax,
                                       1e-46,
                                       -1e-46,
                                       0.0,
                                       -0.0,
                                       kInf,
                                       -kInf,
                                       kNaN,
                                       3.4028235677973366e38,
                                       16777217.0};
    std::vector<float> xs{0.0f,
                          -0.0f,
                          finf,
                          -finf,
                          fmax,
                          -fmax,
                          std::numeric_limits<float>::denorm_min(),
                          -std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::quiet_NaN()};
    for (double k : literals) {
      if (std::isnan(k)) continue;
      const float r = std::fabs(k) > fmax ? std::copysign(fmax, static_cast<float>(k > 0 ? 1 : -1))
                                          : static_cast<float>(k);
      float up = r, down = r;
      xs.push_back(r);
      for (int step = 0; step < 3; ++step) {
        up = std::nextafter(up, finf);
        down = std::nextafter(down, -finf);
        xs.push_back(up);
        xs.push_back(down);
      }
    }
    const char* ops[] = {"<", "<=", ">", ">=", "==", "!="};
    auto compare = [](const std::string& op, double a, double b) {
      if (op == "<") return a < b;
      if (op == "<=") return a <= b;
      if (op == ">") return a > b;
      if (op == ">=") return a >= b;
      if (op == "==") return a == b;
      return a < b || a > b;
    };
    std::size_t checked = 0;
    for (double k : literals) {
      char lit[64];
      std::snprintf(lit, sizeof lit, "%.17g", k);
      std::string literal = lit;
      if (std::isinf(k)) literal = k > 0 ? "(1/0)" : "(-1/0)";
      if (std::isnan(k)) literal = "(0/0)";
      for (const char* op : ops) {
        for (bool literalFirst : {false, true}) {
          const std::string text =
              literalFirst ? literal + " " + op + " x" : "x " + std::string(op) + " " + literal;
          const auto got = evalFloat(text, {"x"}, {xs});
          for (std::size_t i = 0; i < xs.size(); ++i) {
            const double x = xs[i];
            const bool want = literalFirst ? compare(op, k, x) : compare(op, x, k);
            QVERIFY2(got[i] == (want ? 1.0 : 0.0),
                     QByteArray::fromStdString(text + " at x = " + std::to_string(x)));
            ++checked;
          }
        }
      }
    }
    QVERIFY(checked > 10000);
  }

  void errorPositionsAndMessages() {
    // Exact strings for a few.
    {
      const auto e = errorOf("x + deltaR(a, b, c) > 1");
      QCOMPARE(e.position(), std::size_t{4});
      QCOMPARE(e.length(), std::size_t{15});
      QCOMPARE(QString(e.what()),
               QString("at character 5: function 'deltaR' takes 4 arguments, got 3"));
    }
    {
      const auto e = errorOf("");
      QCOMPARE(e.position(), std::size_t{0});
      QCOMPARE(QString(e.what()), QString("at character 1: empty expression"));
      QCOMPARE(QString::fromStdString(errorOf("   ").problem()), QString("empty expression"));
    }
    {
      const auto e = errorOf("(mjj > 200");
      QCOMPARE(e.position(), std::size_t{0});
      QCOMPARE(QString(e.what()),
               QString("at character 1: unbalanced parentheses: '(' is never closed"));
    }
    {
      const auto e = errorOf("mjj > 200)");
      QCOMPARE(e.position(), std::size_t{9});
      QCOMPARE(QString(e.what()),
               QString("at character 10: unbalanced parentheses: ')' without a matching '('"));
    }
    {
      const auto e = errorOf("mjj > 200 &&");
      QCOMPARE(e.position(), std::size_t{10});
      QCOMPARE(QString::fromStdString(e.problem()),
               QString("expected a value after '&&', found the end of the expression"));
    }
    {
      const auto e = errorOf("mjj 200");
      QCOMPARE(e.position(), std::size_t{4});
      QCOMPARE(QString::fromStdString(e.problem()),
               QString("unexpected '200' after a complete expression (missing operator?)"));
    }
    // Positions (0-based) and the gist of the rest.
    const struct {
      const char* text;
      std::size_t pos;
      const char* contains;
    } cases[] = {
        {"sqrt()", 0, "function 'sqrt' takes 1 argument, got 0"},
        {"pow(a, b, c)", 0, "function 'pow' takes 2 arguments, got 3"},
        {"mass(a, b, c, d)", 0, "function 'mass' takes 8 arguments, got 4"},
        {"a + max(a + 1)", 4, "function 'max' takes 2 arguments, got 1"},
        {"count(a + b)", 0, "'count' takes the name of a collection"},
        {"sum(jet_pt[0])", 0, "'sum' takes the name of a collection"},
        {"a = 1", 2, "use '=='"},
        {"a & b", 2, "use '&&'"},
        {"a | b", 2, "use '||'"},
        {"a # b", 2, "unexpected character '#'"},
        {"a \u00d7 b", 2, "unexpected character '\u00d7'"},  // × is not *
        {"m\u00e9t > 1", 1, "unexpected character '\u00e9'"},
        {"1e+ 3", 0, "malformed number '1e+'"},
        {"2x", 0, "malformed number '2x'"},
        {"a ? b", 5, "expected ':' for the '?' at character 3"},
        {"pow(a b)", 6, "expected ',' or ')' in the arguments of 'pow', found 'b'"},
        {"pow(a, b", 3, "the '(' of 'pow' is never closed"},
        {"(a + b c)", 7, "expected ')' to close the '(' at character 1, found 'c'"},
        {"()", 1, "empty parentheses"},
        {"a * * b", 4, "expected a number, a column or '(' but found '*'"},
        {"pow(a,)", 6, "found ')'"},
        {"jet_pt[x] > 1", 6, "expected an element index such as 'jet_pt[0]'"},
        {"a > 1 ||| b", 8, "use '||'"},
    };
    for (const auto& c : cases) {
      const auto e = errorOf(c.text);
      const std::string what = e.what();
      QVERIFY2(e.position() == c.pos,
               QByteArray::fromStdString(std::string(c.text) + " -> " + what));
      QVERIFY2(what.find(c.contains) != std::string::npos,
               QByteArray::fromStdString(std::string(c.text) + " -> " + what));
      QVERIFY2(what.rfind("at character " + std::to_string(c.pos + 1) + ": ", 0) == 0,
               QByteArray::fromStdString(what));
    }
  }

  void absurdInputIsRejectedNotCrashing() {
    const std::string deep = std::string(3000, '(') + "a" + std::string(3000, ')');
    QVERIFY(errorOf(deep).problem().find("nested too deeply") != std::string::npos);
    QVERIFY(errorOf(std::string(3000, '-') + "a").problem().find("unary") != std::string::npos);
    std::string chain = "a";
    for (int i = 0; i < 6000; ++i) chain += " + a";
    QVERIFY(errorOf(chain).problem().find("too long") != std::string::npos);
    // A long but reasonable chain works: 2000 terms of a.
    std::string ok = "a";
    for (int i = 1; i < 2000; ++i) ok += "+a";
    QCOMPARE(evalDouble(ok, {"a"}, {{0.5}})[0], 1000.0);
    std::string nested = "a";
    for (int i = 0; i < 200; ++i) nested = "(" + nested + ")";
    QCOMPARE(evalDouble(nested, {"a"}, {{0.5}})[0], 0.5);
  }

  void didYouMean() {
    const std::vector<std::string> cols{"mjj", "pt_j1", "pt_j2", "eta_j1"};
    {
      const auto e = errorOf("mjjj > 200", cols, true);
      QCOMPARE(e.position(), std::size_t{0});
      QCOMPARE(e.length(), std::size_t{4});
      QCOMPARE(QString(e.what()),
               QString("at character 1: unknown column 'mjjj' (did you mean 'mjj'?)"));
    }
    {
      const auto e = errorOf("pt_j1 + PT_J2 > 3", cols, true);
      QCOMPARE(e.position(), std::size_t{8});
      QCOMPARE(QString::fromStdString(e.problem()),
               QString("unknown column 'PT_J2' (did you mean 'pt_j2'?)"));
    }
    QCOMPARE(QString::fromStdString(errorOf("xyzzy", cols, true).problem()),
             QString("unknown column 'xyzzy'"));
    {
      const auto e = errorOf("a + detlaR(a, b, c, d)");
      QCOMPARE(e.position(), std::size_t{4});
      QCOMPARE(e.length(), std::size_t{6});
      QCOMPARE(QString(e.what()),
               QString("at character 5: unknown function 'detlaR' (did you mean 'deltaR'?)"));
    }
    QCOMPARE(QString::fromStdString(errorOf("deltaphi(a, b)").problem()),
             QString("unknown function 'deltaphi' (did you mean 'deltaPhi'?)"));
    QCOMPARE(QString::fromStdString(errorOf("sqr(a)").problem()),
             QString("unknown function 'sqr' (did you mean 'sqrt'?)"));
    QCOMPARE(QString::fromStdString(errorOf("frobnicate(a)").problem()),
             QString("unknown function 'frobnicate'"));
  }

  void variablesSpansAndUsedColumns() {
    const Expression e = Expression::parse("c + a * c - jet.pt + a");
    QCOMPARE(e.variables(), (std::vector<std::string>{"c", "a", "jet.pt"}));
    QCOMPARE(e.variableSpans()[0], (std::pair<std::size_t, std::size_t>{0, 1}));
    QCOMPARE(e.variableSpans()[1], (std::pair<std::size_t, std::size_t>{4, 1}));
    QCOMPARE(e.variableSpans()[2], (std::pair<std::size_t, std::size_t>{12, 6}));
    const BoundExpression b = e.bind({"a", "b", "c", "jet.pt"});
    QCOMPARE(b.usedColumns(), (std::vector<int>{0, 2, 3}));
    QCOMPARE(QString::fromStdString(b.text()), QString("c + a * c - jet.pt + a"));
    // Unused entries may be empty; a used one missing is an error naming it.
    const double a = 2, c = 3, jet = 1;
    std::vector<ColumnRef> refs(4);
    refs[0].d = &a;
    refs[2].d = &c;
    refs[3].d = &jet;
    double out = 0;
    b.evaluate(refs, 1, &out);
    QCOMPARE(out, 3 + 2 * 3 - 1 + 2.0);
    refs[3].d = nullptr;
    QVERIFY_THROWS_EXCEPTION(imbw::Error, b.evaluate(refs, 1, &out));
    // Function names are ordinary column names when not called.
    QCOMPARE(evalDouble("pt + eta", {"pt", "eta"}, {{1.0}, {2.0}})[0], 3.0);
  }

  void aggregateNames() {
    const Expression e = Expression::parse(
        "count(jet_pt) >= 2 && jet_pt[0] > 30 && max( jet_pt ) < sum(jet_pt)"
        " && min(jet_eta) > -2.5 && max(a, b) > 0 && jet_pt [1] > 0");
    QCOMPARE(e.variables(),
             (std::vector<std::string>{"count(jet_pt)", "jet_pt[0]", "max(jet_pt)", "sum(jet_pt)",
                                       "min(jet_eta)", "a", "b", "jet_pt[1]"}));
    QCOMPARE(e.variableSpans()[2], (std::pair<std::size_t, std::size_t>{40, 13}));
    const std::vector<std::string> cols{"count(jet_pt)", "jet_pt[0]",    "jet_pt[1]", "max(jet_pt)",
                                        "sum(jet_pt)",   "min(jet_eta)", "a",         "b"};
    const auto out = evalDouble(
        e.text(), cols, {{3, 1}, {50, 50}, {20, 20}, {50, 50}, {90, 90}, {-1, -3}, {1, 1}, {0, 0}});
    QCOMPARE(out, (std::vector<double>{1, 0}));
    // An unknown aggregate is an unknown column with a suggestion.
    QCOMPARE(QString::fromStdString(errorOf("count(jet_ptt) > 1", cols, true).problem()),
             QString("unknown column 'count(jet_ptt)' (did you mean 'count(jet_pt)'?)"));
  }

  void largeEvaluationMatchesScalarLoop() {
    const std::size_t n = 1'000'003;  // not a multiple of the block size
    std::vector<float> a(n), c(n);
    std::vector<double> b(n);
    std::uint64_t s = 12345;
    auto uniform = [&] {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(s >> 11) * 0x1.0p-53;
    };
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = static_cast<float>(uniform() * 2 - 0.5);
      b[i] = uniform();
      c[i] = static_cast<float>(uniform() - 0.5);
      if (i % 9973 == 0) a[i] = std::numeric_limits<float>::quiet_NaN();
    }
    const std::string text =
        "(a > 0.2 && b < 0.7 || a * c > 0.1) ? sqrt(abs(b)) + pt(a, c) : -a / (1 + b)";
    const BoundExpression bound = Expression::parse(text).bind({"a", "b", "c"});
    std::vector<ColumnRef> refs(3);
    refs[0].f = a.data();
    refs[1].d = b.data();
    refs[2].f = c.data();
    std::vector<double> out(n);
    bound.evaluate(refs, n, out.data());
    std::vector<std::uint8_t> keep(n);
    const BoundExpression cut =
        Expression::parse("a > 0.2 && b < 0.7 || a * c > 0.1").bind({"a", "b", "c"});
    cut.select(refs, n, keep.data());

    std::size_t mismatches = 0, kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = a[i], y = b[i], z = c[i];
      const bool pass = (x > 0.2 && y < 0.7) || (x * z > 0.1);
      const double want = pass ? std::sqrt(std::fabs(y)) + std::sqrt(x * x + z * z) : -x / (1 + y);
      if (!same(out[i], want, 0.0)) ++mismatches;
      if (keep[i] != (pass ? 1 : 0)) ++mismatches;
      kept += pass;
    }
    QCOMPARE(mismatches, std::size_t{0});
    QVERIFY(kept > n / 4 && kept < 3 * n / 4);  // the cut really splits the sample

    // Two threads at once on the same bound expression give the same answer.
    std::vector<double> out1(n), out2(n);
    std::thread t1([&] { bound.evaluate(refs, n, out1.data()); });
    std::thread t2([&] { bound.evaluate(refs, n, out2.data()); });
    t1.join();
    t2.join();
    std::size_t differ = 0;
    for (std::size_t i = 0; i < n; ++i)
      differ += !same(out1[i], out[i], 0.0) || !same(out2[i], out[i], 0.0);
    QCOMPARE(differ, std::size_t{0});
  }
};

QTEST_APPLESS_MAIN(TestExpression)
#include "test_expression.moc"
