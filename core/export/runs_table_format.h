#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/resample/stratified_kfold.h"

namespace imbw {

/// One run of a runs table: its name, a one-line summary of its configuration and its
/// per-fold metrics as mean ± sample standard deviation (RunResult::aggregate).
struct RunsTableRow {
  std::string name;
  std::string config;
  std::map<std::string, MeanStd> metrics;
};

/// A metric column: the key in RunsTableRow::metrics and its header in plain text (CSV, TSV,
/// Markdown: Unicode, e.g. "1/ε_B at ε_S = 0.2") and in LaTeX.
struct RunsTableColumn {
  std::string key;
  std::string label;
  std::string latex;
  /// The run engine's metrics (metricNames()) get the paper's headers; any other key is used
  /// as its own header.
  static RunsTableColumn forMetric(const std::string& key);
};

struct RunsTable {
  std::vector<RunsTableColumn> columns;
  std::vector<RunsTableRow> rows;
  /// The metrics present in any row, in the run engine's table order, then any other keys in
  /// alphabetical order.
  static std::vector<RunsTableColumn> defaultColumns(const std::vector<RunsTableRow>& rows);
};

enum class TableFormat { Csv, Tsv, Json, Markdown, Latex };
/// "csv", "tsv", "json", "markdown" (or "md"), "latex" (or "tex"); else imbw::Error.
TableFormat parseTableFormat(const std::string& text);

/// A mean ± std rounded for people. The standard deviation keeps two significant digits when
/// its three leading digits are 100–354 and one when they are 355–949; 950–999 round up to
/// two digits of the next decade (the Particle Data Group's rule); the mean is rounded to the
/// same decimal place. Without a spread (n < 2, or std = 0) the mean keeps three significant
/// digits and `std` is empty. Non-finite means give "–" in text and an empty field in TSV.
struct RoundedMeanStd {
  std::string mean;
  std::string std;   ///< empty when there is no spread to show
  int decimals = 0;  ///< digits after the point of both numbers (negative: tens, hundreds, ...)
};
RoundedMeanStd roundMeanStd(const MeanStd& v);

/// The table as text:
/// - CSV (RFC 4180): run, config, then per metric KEY_mean, KEY_std, KEY_n at full precision
///   (shortest text that reads back as the same double; empty when not finite);
/// - TSV: run, config, then per metric "LABEL" and "LABEL std", rounded as roundMeanStd, for
///   pasting into a spreadsheet;
/// - JSON: [{"name", "config", "metrics": {KEY: {"mean", "std", "n"}}}], full precision;
/// - Markdown: a pipe table of "mean ± std";
/// - LaTeX: a booktabs tabular, one row per run, "$mean \pm std$" cells (needs
///   \usepackage{booktabs}).
std::string formatRunsTable(const RunsTable& table, TableFormat format);

}  // namespace imbw
