#include "core/expr/expr_parser.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <numbers>
#include <unordered_map>

#include "core/expr/expression.h"
#include "core/util/strings.h"

namespace imbw::expr_detail {

namespace {

struct Token {
  enum class Type { Number, Name, LParen, RParen, Comma, Question, Colon, Operator, End };
  Type type = Type::End;
  std::size_t pos = 0;
  std::size_t len = 0;
  std::string text;      // operator spelling, or the name (with its element index, no spaces)
  bool indexed = false;  // a name carrying an element index, as in jet_pt[0]
  double value = 0.0;
};

// ASCII only, independent of the C locale (a GUI sets one from the environment).
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
  return isNameStart(c) || isDigit(c) || c == '.';
}
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Bytes in the UTF-8 sequence starting with `lead` (1 for ASCII or a stray byte).
std::size_t utf8Length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  if (b >= 0xF0 && b < 0xF8) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto skipSpace = [&](std::size_t j) {
    while (j < n && isSpace(s[j])) ++j;
    return j;
  };
  while (true) {
    i = skipSpace(i);
    Token t;
    t.pos = i;
    if (i >= n) {
      t.type = Token::Type::End;
      out.push_back(t);
      return out;
    }
    const char c = s[i];
    if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(s[i + 1]))) {
      std::size_t j = i;
      while (j < n && isDigit(s[j])) ++j;
      if (j < n && s[j] == '.') {
        ++j;
        while (j < n && isDigit(s[j])) ++j;
      }
      if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) ++k;
        if (k >= n || !isDigit(s[k])) {
          while (k < n && isNameChar(s[k])) ++k;
          throw ExpressionError(i, k - i,
                                "malformed number '" + std::string(s.substr(i, k - i)) + "'");
        }
        while (k < n && isDigit(s[k])) ++k;
        j = k;
      }
      if (j < n && isNameStart(s[j])) {
        std::size_t k = j;
        while (k < n && isNameChar(s[k])) ++k;
        throw ExpressionError(i, k - i,
                              "malformed number '" + std::string(s.substr(i, k - i)) + "'");
      }
      t.type = Token::Type::Number;
      t.len = j - i;
      t.text = std::string(s.substr(i, j - i));
      // from_chars: locale-independent (a GUI may have set a locale with decimal commas).
      const auto res = std::from_chars(s.data() + i, s.data() + j, t.value);
      if (res.ec == std::errc::result_out_of_range) {
        // As in C: 1e999 overflows to infinity, 1e-999 underflows to zero.
        const auto e = t.text.find_first_of("eE");
        const bool tiny = e != std::string::npos && t.text[e + 1] == '-';
        t.value = tiny ? 0.0 : std::numeric_limits<double>::infinity();
      } else if (res.ec != std::errc() || res.ptr != s.data() + j) {
        throw ExpressionError(i, j - i, "malformed number '" + t.text + "'");
      }
      out.push_back(t);
      i = j;
      continue;
    }
    if (isNameStart(c)) {
      std::size_t j = i;
      while (j < n && isNameChar(s[j])) ++j;
      t.type = Token::Type::Name;
      t.text = std::string(s.substr(i, j - i));
      std::size_t k = skipSpace(j);
      if (k < n && s[k] == '[') {
        const std::size_t open = k;
        k = skipSpace(k + 1);
        const std::size_t digits = k;
        while (k < n && isDigit(s[k])) ++k;
        const std::size_t digitsEnd = k;
        k = skipSpace(k);
        if (digitsEnd == digits || k >= n || s[k] != ']') {
          throw ExpressionError(
              open, (k < n ? k + 1 : n) - open,
              "expected an element index such as '" + t.text + "[0]' after '" + t.text + "'");
        }
        t.text.push_back('[');
        t.text.append(s.substr(digits, digitsEnd - digits));
        t.text.push_back(']');
        t.indexed = true;
        j = k + 1;
      }
      t.len = j - i;
      out.push_back(t);
      i = j;
      continue;
    }
    t.len = 1;
    switch (c) {
      case '(':
        t.type = Token::Type::LParen;
        break;
      case ')':
        t.type = Token::Type::RParen;
        break;
      case ',':
        t.type = Token::Type::Comma;
        break;
      case '?':
        t.type = Token::Type::Question;
        break;
      case ':':
        t.type = Token::Type::Colon;
        break;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        t.type = Token::Type::Operator;
        break;
      case '<':
      case '>':
      case '!':
        t.type = Token::Type::Operator;
        if (i + 1 < n && s[i + 1] == '=') t.len = 2;
        break;
      case '=':
        if (i + 1 < n && s[i + 1] == '=') {
          t.type = Token::Type::Operator;
          t.len = 2;
          break;
        }
        throw ExpressionError(i, 1, "'=' is not an operator; use '==' to compare");
      case '&':
        if (i + 1 < n && s[i + 1] == '&') {
          t.type = Token::Type::Operator;
          t.len = 2;
          break;
        }
        throw ExpressionError(i, 1, "'&' is not an operator; use '&&' for a logical and");
      case '|':
        if (i + 1 < n && s[i + 1] == '|') {
          t.type = Token::Type::Operator;
          t.len = 2;
          break;
        }
        throw ExpressionError(i, 1, "'|' is not an operator; use '||' for a logical or");
      default: {
        const std::size_t len = std::min(utf8Length(c), n - i);
        throw ExpressionError(i, len,
                              "unexpected character '" + std::string(s.substr(i, len)) + "'");
      }
    }
    t.text = std::string(s.substr(i, t.len));
    out.push_back(t);
    i += t.len;
  }
}

std::string describe(const Token& t) {
  if (t.type == Token::Type::End) return "the end of the expression";
  return "'" + t.text + "'";
}

std::string argumentCount(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

bool isAggregateName(std::string_view name) {
  return name == "count" || name == "sum" || name == "max" || name == "min";
}

std::unique_ptr<Node> makeConstant(double v) {
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::Constant;
  node->value = v;
  return node;
}

/// Builds an operation node, folding it into a constant when every operand is constant.
std::unique_ptr<Node> makeOperation(Op op, std::vector<std::unique_ptr<Node>> args) {
  bool allConstant = true;
  double values[8] = {};
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (args[k]->kind != Node::Kind::Constant) {
      allConstant = false;
      break;
    }
    values[k] = args[k]->value;
  }
  if (allConstant) return makeConstant(applyScalar(op, values));
  // Partly constant logic whose value is decided by the constant (x && 0, x || 1, 1 ? x : y).
  for (const auto& a : args) {
    if (a->kind != Node::Kind::Constant) continue;
    if (op == Op::And && !truth(a->value)) return makeConstant(0.0);
    if (op == Op::Or && truth(a->value)) return makeConstant(1.0);
  }
  if (op == Op::Cond && args[0]->kind == Node::Kind::Constant) {
    return std::move(args[truth(args[0]->value) ? 1 : 2]);
  }
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::Operation;
  node->op = op;
  node->args = std::move(args);
  return node;
}

std::unique_ptr<Node> makeOperation(Op op, std::unique_ptr<Node> a) {
  std::vector<std::unique_ptr<Node>> args;
  args.push_back(std::move(a));
  return makeOperation(op, std::move(args));
}

std::unique_ptr<Node> makeOperation(Op op, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
  std::vector<std::unique_ptr<Node>> args;
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return makeOperation(op, std::move(args));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_tokens(tokenize(text)) {}

  ParseResult run() {
    // Long operator chains make deep trees, which later passes walk recursively.
    if (m_tokens.size() > kMaxTokens) {
      throw ExpressionError(
          m_tokens[kMaxTokens].pos, 0,
          "expression too long (more than " + std::to_string(kMaxTokens) + " tokens)");
    }
    if (peek().type == Token::Type::End) {
      throw ExpressionError(0, 0, "empty expression");
    }
    auto root = parseTernary();
    const Token& t = peek();
    if (t.type != Token::Type::End) {
      if (t.type == Token::Type::RParen) {
        throw ExpressionError(t.pos, t.len, "unbalanced parentheses: ')' without a matching '('");
      }
      throw ExpressionError(
          t.pos, t.len,
          "unexpected " + describe(t) + " after a complete expression " + "(missing operator?)");
    }
    ParseResult r;
    r.root = std::move(root);
    r.variables = std::move(m_variables);
    r.spans = std::move(m_spans);
    return r;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t k = std::min(m_pos + ahead, m_tokens.size() - 1);
    return m_tokens[k];
  }
  const Token& next() {
    const Token& t = m_tokens[m_pos];
    if (m_pos + 1 < m_tokens.size()) ++m_pos;
    return t;
  }
  bool isOperator(const Token& t, std::string_view spelling) const {
    return t.type == Token::Type::Operator && t.text == spelling;
  }

  std::unique_ptr<Node> parseTernary() {
    // Parentheses, calls and ?: recurse; a bound keeps absurd input from exhausting the stack.
    if (++m_depth > kMaxDepth) {
      const Token& t = peek();
      throw ExpressionError(
          t.pos, t.len,
          "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
    }
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{m_depth};
    auto cond = parseOr();
    if (peek().type != Token::Type::Question) return cond;
    const Token question = next();
    auto yes = parseTernary();
    if (peek().type != Token::Type::Colon) {
      const Token& t = peek();
      throw ExpressionError(t.pos, t.len,
                            "expected ':' for the '?' at character " +
                                std::to_string(question.pos + 1) + ", found " + describe(t));
    }
    next();
    auto no = parseTernary();
    std::vector<std::unique_ptr<Node>> args;
    args.push_back(std::move(cond));
    args.push_back(std::move(yes));
    args.push_back(std::move(no));
    return makeOperation(Op::Cond, std::move(args));
  }

  template <class Sub>
  std::unique_ptr<Node> parseLeftAssociative(
      Sub sub, std::initializer_list<std::pair<const char*, Op>> ops) {
    auto left = (this->*sub)();
    while (true) {
      const Token& t = peek();
      const Op* found = nullptr;
      for (const auto& [spelling, op] : ops) {
        if (isOperator(t, spelling)) found = &op;
      }
      if (!found) return left;
      const Op op = *found;
      next();
      auto right = (this->*sub)();
      left = makeOperation(op, std::move(left), std::move(right));
    }
  }

  std::unique_ptr<Node> parseOr() {
    return parseLeftAssociative(&Parser::parseAnd, {{"||", Op::Or}});
  }
  std::unique_ptr<Node> parseAnd() {
    return parseLeftAssociative(&Parser::parseEquality, {{"&&", Op::And}});
  }
  std::unique_ptr<Node> parseEquality() {
    return parseLeftAssociative(&Parser::parseRelational, {{"==", Op::Eq}, {"!=", Op::Ne}});
  }
  std::unique_ptr<Node> parseRelational() {
    return parseLeftAssociative(&Parser::parseAdditive,
                                {{"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}});
  }
  std::unique_ptr<Node> parseAdditive() {
    return parseLeftAssociative(&Parser::parseMultiplicative, {{"+", Op::Add}, {"-", Op::Sub}});
  }
  std::unique_ptr<Node> parseMultiplicative() {
    return parseLeftAssociative(&Parser::parseUnary,
                                {{"*", Op::Mul}, {"/", Op::Div}, {"%", Op::Mod}});
  }

  std::unique_ptr<Node> parseUnary() {
    const Token& t = peek();
    if (t.type == Token::Type::Operator && (t.text == "-" || t.text == "+" || t.text == "!") &&
        ++m_unaryRun > kMaxDepth) {
      throw ExpressionError(t.pos, t.len, "too many unary operators in a row");
    }
    if (!(t.type == Token::Type::Operator && (t.text == "-" || t.text == "+" || t.text == "!"))) {
      m_unaryRun = 0;
    }
    if (isOperator(t, "-")) {
      next();
      return makeOperation(Op::Neg, parseUnary());
    }
    if (isOperator(t, "+")) {
      next();
      return parseUnary();
    }
    if (isOperator(t, "!")) {
      next();
      return makeOperation(Op::Not, parseUnary());
    }
    return parsePrimary();
  }

  std::unique_ptr<Node> parsePrimary() {
    const Token& t = peek();
    switch (t.type) {
      case Token::Type::Number: {
        next();
        return makeConstant(t.value);
      }
      case Token::Type::LParen: {
        const Token open = next();
        auto inner = parseTernary();
        expectClose(open);
        return inner;
      }
      case Token::Type::Name: {
        const Token name = next();
        if (peek().type == Token::Type::LParen) return parseCall(name);
        if (name.text == "pi") return makeConstant(std::numbers::pi);
        return variable(name.text, name.pos, name.len);
      }
      case Token::Type::End: {
        // Point at the operator that is missing its operand, if there is one.
        if (m_pos > 0) {
          const Token& prev = m_tokens[m_pos - 1];
          throw ExpressionError(
              prev.pos, prev.len,
              "expected a value after " + describe(prev) + ", found the end of the expression");
        }
        throw ExpressionError(t.pos, 0, "expected a value, found the end of the expression");
      }
      case Token::Type::RParen:
        if (m_pos > 0 && m_tokens[m_pos - 1].type == Token::Type::LParen) {
          throw ExpressionError(t.pos, t.len, "empty parentheses: expected a value before ')'");
        }
        [[fallthrough]];
      default:
        throw ExpressionError(t.pos, t.len,
                              "expected a number, a column or '(' but found " + describe(t));
    }
  }

  void expectClose(const Token& open) {
    const Token& t = peek();
    if (t.type == Token::Type::RParen) {
      next();
      return;
    }
    if (t.type == Token::Type::End) {
      throw ExpressionError(open.pos, 1, "unbalanced parentheses: '(' is never closed");
    }
    throw ExpressionError(t.pos, t.len,
                          "expected ')' to close the '(' at character " +
                              std::to_string(open.pos + 1) + ", found " + describe(t));
  }

  std::unique_ptr<Node> variable(const std::string& name, std::size_t pos, std::size_t len) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::Variable;
    auto it = m_index.find(name);
    if (it == m_index.end()) {
      it = m_index.emplace(name, static_cast<int>(m_variables.size())).first;
      m_variables.push_back(name);
      m_spans.emplace_back(pos, len);
    }
    node->variable = it->second;
    return node;
  }

  std::unique_ptr<Node> parseCall(const Token& name) {
    // Aggregates of a jagged collection, e.g. count(jet_pt), are variables named by the text.
    if (isAggregateName(name.text)) {
      const Token& arg = peek(1);
      const Token& close = peek(2);
      if (arg.type == Token::Type::Name && !arg.indexed && close.type == Token::Type::RParen) {
        next();  // (
        next();  // the collection
        next();  // )
        return variable(name.text + "(" + arg.text + ")", name.pos,
                        close.pos + close.len - name.pos);
      }
      if (name.text == "count" || name.text == "sum") {
        throw ExpressionError(
            name.pos, name.len,
            "'" + name.text + "' takes the name of a collection, as in " + name.text + "(jet_pt)");
      }
    }
    const FunctionInfo* fn = nullptr;
    for (const auto& f : kFunctions) {
      if (f.name == name.text) fn = &f;
    }
    if (!fn) {
      std::vector<std::string> names;
      for (const auto& f : kFunctions) names.emplace_back(f.name);
      names.emplace_back("count");
      names.emplace_back("sum");
      throw ExpressionError(name.pos, name.len, unknownNameMessage("function", name.text, names));
    }
    const Token open = next();
    std::vector<std::unique_ptr<Node>> args;
    if (peek().type != Token::Type::RParen) {
      while (true) {
        args.push_back(parseTernary());
        const Token& t = peek();
        if (t.type == Token::Type::Comma) {
          next();
          continue;
        }
        if (t.type == Token::Type::RParen) break;
        if (t.type == Token::Type::End) {
          throw ExpressionError(
              open.pos, 1,
              "unbalanced parentheses: the '(' of '" + name.text + "' is never closed");
        }
        throw ExpressionError(
            t.pos, t.len,
            "expected ',' or ')' in the arguments of '" + name.text + "', found " + describe(t));
      }
    }
    const Token close = next();
    const std::size_t want = static_cast<std::size_t>(arity(fn->op));
    if (args.size() != want) {
      std::string msg = "function '" + name.text + "' takes " + argumentCount(want) + ", got " +
                        std::to_string(args.size());
      if ((fn->op == Op::Max || fn->op == Op::Min) && args.size() == 1) {
        msg += " (over a collection write " + name.text + "(jet_pt))";
      }
      throw ExpressionError(name.pos, close.pos + close.len - name.pos, msg);
    }
    return makeOperation(fn->op, std::move(args));
  }

  static constexpr int kMaxDepth = 256;
  static constexpr std::size_t kMaxTokens = 10000;
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  int m_depth = 0;
  int m_unaryRun = 0;
  std::vector<std::string> m_variables;
  std::vector<std::pair<std::size_t, std::size_t>> m_spans;
  std::unordered_map<std::string, int> m_index;
};

}  // namespace

ParseResult parseExpression(std::string_view text) {
  return Parser(text).run();
}

}  // namespace imbw::expr_detail
