#include "core/export/runs_table_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/util/error.h"

namespace imbw {

namespace {

struct KnownMetric {
  const char* key;
  const char* label;
  const char* latex;
};

// The run engine's metric keys (core/learn/run_engine.h metricNames()) in its table order.
const KnownMetric kKnown[] = {
    {"fit_seconds", "t_fit [s]", "$t_\\mathrm{fit}$ [s]"},
    {"ap", "AP", "AP"},
    {"auc", "AUC", "AUC"},
    {"ap_over_r", "AP/r", "AP$/r$"},
    {"rejection_at_eff_s_0.2", "1/ε_B at ε_S = 0.2",
     "$1/\\varepsilon_B$ at $\\varepsilon_S = 0.2$"},
    {"rejection_at_eff_s_0.5", "1/ε_B at ε_S = 0.5",
     "$1/\\varepsilon_B$ at $\\varepsilon_S = 0.5$"},
    {"rejection_at_eff_s_0.8", "1/ε_B at ε_S = 0.8",
     "$1/\\varepsilon_B$ at $\\varepsilon_S = 0.8$"},
    {"eff_s_at_eff_b_0.01", "ε_S at ε_B = 0.01", "$\\varepsilon_S$ at $\\varepsilon_B = 0.01$"},
    {"eff_s_at_eff_b_0.1", "ε_S at ε_B = 0.1", "$\\varepsilon_S$ at $\\varepsilon_B = 0.1$"},
    {"eff_s_at_eff_b_0.3", "ε_S at ε_B = 0.3", "$\\varepsilon_S$ at $\\varepsilon_B = 0.3$"},
    {"signal_fraction", "r", "$r$"},
};

/// value rounded to `decimals` places after the point (negative: to tens, hundreds, ...).
std::string fixedAt(double value, int decimals) {
  if (decimals >= 0) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(decimals);
    os << value;
    std::string s = os.str();
    if (s.find_first_of("123456789") == std::string::npos && s.front() == '-') s.erase(0, 1);
    return s;
  }
  const double unit = std::pow(10.0, -decimals);
  const double r = std::round(value / unit) * unit;
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(0);
  os << (r == 0.0 ? 0.0 : r);
  return os.str();
}

std::string shortest(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string tsvField(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string markdownField(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string latexText(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const MeanStd* find(const RunsTableRow& row, const std::string& key) {
  const auto it = row.metrics.find(key);
  return it == row.metrics.end() ? nullptr : &it->second;
}

std::string plainCell(const MeanStd* v, const char* plusMinus) {
  if (!v) return "";
  const RoundedMeanStd r = roundMeanStd(*v);
  return r.std.empty() ? r.mean : r.mean + plusMinus + r.std;
}

}  // namespace

RunsTableColumn RunsTableColumn::forMetric(const std::string& key) {
  for (const auto& k : kKnown)
    if (key == k.key) return {key, k.label, k.latex};
  return {key, key, latexText(key)};
}

std::vector<RunsTableColumn> RunsTable::defaultColumns(const std::vector<RunsTableRow>& rows) {
  std::set<std::string> keys;
  for (const auto& r : rows)
    for (const auto& [k, v] : r.metrics) keys.insert(k);
  std::vector<RunsTableColumn> out;
  for (const auto& k : kKnown) {
    if (keys.erase(k.key)) out.push_back(RunsTableColumn::forMetric(k.key));
  }
  for (const auto& k : keys) out.push_back(RunsTableColumn::forMetric(k));
  return out;
}

TableFormat parseTableFormat(const std::string& text) {
  if (text == "csv") return TableFormat::Csv;
  if (text == "tsv") return TableFormat::Tsv;
  if (text == "json") return TableFormat::Json;
  if (text == "markdown" || text == "md") return TableFormat::Markdown;
  if (text == "latex" || text == "tex") return TableFormat::Latex;
  throw Error("unknown table format '" + text + "' (choose csv, tsv, json, markdown or latex)");
}

RoundedMeanStd roundMeanStd(const MeanStd& v) {
  if (!std::isfinite(v.mean)) return {"–", "", 0};
  if (v.n < 2 || !std::isfinite(v.std) || v.std <= 0.0) {
    // Three significant digits of the mean.
    const int exponent =
        v.mean == 0.0 ? 0 : static_cast<int>(std::floor(std::log10(std::abs(v.mean))));
    int decimals = std::max(0, 2 - exponent);
    std::string m = fixedAt(v.mean, decimals);
    // Rounding can carry into a new digit (9.996 → 10.00): keep three significant digits.
    if (exponent < 2 && std::abs(std::stod(m)) >= std::pow(10.0, exponent + 1) && decimals > 0)
      m = fixedAt(v.mean, --decimals);
    return {m, "", decimals};
  }
  // The std's three leading digits decide how many it keeps (PDG).
  int exponent = static_cast<int>(std::floor(std::log10(v.std)));
  int leading = static_cast<int>(std::round(v.std / std::pow(10.0, exponent - 2)));
  if (leading >= 1000) {  // 9.995… rounded up
    ++exponent;
    leading = 100;
  }
  int digits = 0;
  if (leading <= 354) {
    digits = 2;
  } else if (leading <= 949) {
    digits = 1;
  } else {  // 950–999: round up to 1.0 of the next decade, two digits
    ++exponent;
    digits = 2;
  }
  const int decimals = digits - 1 - exponent;
  return {fixedAt(v.mean, decimals), fixedAt(v.std, decimals), decimals};
}

std::string formatRunsTable(const RunsTable& table, TableFormat format) {
  std::ostringstream os;
  const auto& cols = table.columns;
  switch (format) {
    case TableFormat::Csv: {
      os << "run,config";
      for (const auto& c : cols)
        os << ',' << csvField(c.key + "_mean") << ',' << csvField(c.key + "_std") << ','
           << csvField(c.key + "_n");
      os << "\r\n";
      for (const auto& r : table.rows) {
        os << csvField(r.name) << ',' << csvField(r.config);
        for (const auto& c : cols) {
          const MeanStd* v = find(r, c.key);
          if (!v)
            os << ",,,";
          else
            os << ',' << shortest(v->mean) << ',' << shortest(v->std) << ',' << v->n;
        }
        os << "\r\n";
      }
      break;
    }
    case TableFormat::Tsv: {
      os << "run\tconfig";
      for (const auto& c : cols)
        os << '\t' << tsvField(c.label) << '\t' << tsvField(c.label) << " std";
      os << '\n';
      for (const auto& r : table.rows) {
        os << tsvField(r.name) << '\t' << tsvField(r.config);
        for (const auto& c : cols) {
          const MeanStd* v = find(r, c.key);
          const RoundedMeanStd rv = v ? roundMeanStd(*v) : RoundedMeanStd{};
          os << '\t' << (rv.mean == "–" ? "" : rv.mean) << '\t' << rv.std;
        }
        os << '\n';
      }
      break;
    }
    case TableFormat::Json: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : table.rows) {
        nlohmann::json metrics = nlohmann::json::object();
        for (const auto& c : cols) {
          const MeanStd* v = find(r, c.key);
          if (!v) continue;
          auto number = [](double x) {
            return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
          };
          metrics[c.key] = {{"mean", number(v->mean)}, {"std", number(v->std)}, {"n", v->n}};
        }
        out.push_back({{"name", r.name}, {"config", r.config}, {"metrics", metrics}});
      }
      os << out.dump(2) << '\n';
      break;
    }
    case TableFormat::Markdown: {
      os << "| run |";
      for (const auto& c : cols) os << ' ' << markdownField(c.label) << " |";
      os << "\n|---|";
      for (std::size_t i = 0; i < cols.size(); ++i) os << "---:|";
      os << '\n';
      for (const auto& r : table.rows) {
        os << "| " << markdownField(r.name) << " |";
        for (const auto& c : cols) os << ' ' << plainCell(find(r, c.key), " ± ") << " |";
        os << '\n';
      }
      break;
    }
    case TableFormat::Latex: {
      os << "% Needs \\usepackage{booktabs}. Mean $\\pm$ sample standard deviation over the "
            "folds.\n"
         << "\\begin{tabular}{l" << std::string(cols.size(), 'c') << "}\n\\toprule\nRun";
      for (const auto& c : cols) os << " & " << c.latex;
      os << " \\\\\n\\midrule\n";
      for (const auto& r : table.rows) {
        os << latexText(r.name);
        for (const auto& c : cols) {
          const MeanStd* v = find(r, c.key);
          if (!v) {
            os << " & ";
            continue;
          }
          const RoundedMeanStd rv = roundMeanStd(*v);
          if (rv.mean == "–")
            os << " & --";
          else if (rv.std.empty())
            os << " & $" << rv.mean << "$";
          else
            os << " & $" << rv.mean << " \\pm " << rv.std << "$";
        }
        os << " \\\\\n";
      }
      os << "\\bottomrule\n\\end{tabular}\n";
      break;
    }
  }
  return os.str();
}

}  // namespace imbw
