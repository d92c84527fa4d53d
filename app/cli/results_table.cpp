#include "app/cli/results_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace imbw::cli {

namespace {

std::string meanStd(const ResultsRow& r, const std::string& key, int decimals) {
  const auto it = r.aggregate.find(key);
  if (it == r.aggregate.end() || it->second.n == 0) return "-";
  std::string s = fixed(it->second.mean, decimals);
  if (it->second.n >= 2) s += " ± " + fixed(it->second.std, decimals);
  return s;
}

// Display width of UTF-8 text (continuation bytes take no column).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string padRight(const std::string& s, std::size_t w) {
  const std::size_t c = columns(s);
  return c >= w ? s : s + std::string(w - c, ' ');
}

std::string padLeft(const std::string& s, std::size_t w) {
  const std::size_t c = columns(s);
  return c >= w ? s : std::string(w - c, ' ') + s;
}

}  // namespace

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void printResultsTable(std::ostream& os, const std::vector<ResultsRow>& results) {
  const std::vector<std::string> head{"#",   "model", "t_fit [s]",       "AP",
                                      "AUC", "AP/r",  "1/ε_B (ε_S=0.2)", "1/ε_B (ε_S=0.8)"};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    rows.push_back({std::to_string(i + 1), r.name + (r.note.empty() ? "" : " (" + r.note + ")"),
                    meanStd(r, "fit_seconds", 2), meanStd(r, "ap", 3), meanStd(r, "auc", 3),
                    meanStd(r, "ap_over_r", 2), meanStd(r, "rejection_at_eff_s_0.2", 1),
                    meanStd(r, "rejection_at_eff_s_0.8", 1)});
  }
  std::vector<std::size_t> w(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    w[c] = columns(head[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], columns(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) os << "  ";
      os << (c == 1 ? padRight(cells[c], w[c]) : padLeft(cells[c], w[c]));
    }
    os << '\n';
  };
  line(head);
  std::size_t total = 0;
  for (std::size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  std::string rule;
  for (std::size_t k = 0; k < total; ++k) rule += "─";
  os << rule << '\n';
  for (const auto& row : rows) line(row);
  int folds = 0;
  for (const auto& r : results) folds = std::max(folds, r.folds);
  if (!results.empty())
    os << "\nmean ± sample standard deviation over " << folds
       << " folds; 1/ε_B interpolated linearly on the ROC curve\n";
}

}  // namespace imbw::cli
