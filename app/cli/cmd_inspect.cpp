// imbalance-cli inspect FILE.h5: what the reader sees in a file.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/data/sample_reader.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli inspect FILE.h5 [--group PATH] [--layout NAME] [--count-column NAME]\n"
    "\n"
    "Prints the detected layout, every column (name, type, length, jagged or not) and, for a\n"
    "column named 'label' or 'Label', the number of events per label value.\n"
    "\n"
    "  --group PATH          HDF5 group or dataset holding the events (default: detect)\n"
    "  --layout NAME         force the layout: ColumnGroup, Matrix2D, Compound, PandasFixed,\n"
    "                        PandasTable (default: detect)\n"
    "  --count-column NAME   per-event element count of padded jagged arrays\n";

// More distinct values than this and the column is not a class label worth listing.
constexpr std::size_t kMaxLabelValues = 50;

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string padLeft(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string numberText(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void printLabelCounts(const imbw::SampleReader& reader, const imbw::ColumnInfo& column) {
  std::cout << "\nlabel counts of '" << column.name << "':\n";
  std::map<std::string, std::size_t> stringCounts;
  std::map<double, std::size_t> numberCounts;
  std::size_t nan = 0;
  if (column.isString) {
    for (const auto& s : reader.readStrings(column.name)) ++stringCounts[s];
  } else {
    reader.read({column.name}, {column.name}, [&](const imbw::Chunk& chunk) {
      const double* v = chunk.columns[0].d;
      for (std::size_t i = 0; i < chunk.size; ++i) {
        if (std::isnan(v[i])) {
          ++nan;
        } else if (numberCounts.size() <= kMaxLabelValues || numberCounts.count(v[i])) {
          ++numberCounts[v[i]];
        }
      }
    });
    if (numberCounts.size() > kMaxLabelValues) {
      std::cout << "  more than " << kMaxLabelValues << " distinct values: not a class label\n";
      return;
    }
  }
  std::vector<std::pair<std::string, std::size_t>> rows;
  for (const auto& [k, n] : stringCounts) rows.emplace_back("'" + k + "'", n);
  for (const auto& [k, n] : numberCounts) rows.emplace_back(numberText(k), n);
  if (nan) rows.emplace_back("NaN", nan);
  std::size_t total = 0;
  std::size_t width = 5;
  for (const auto& [k, n] : rows) {
    total += n;
    width = std::max(width, k.size());
  }
  for (const auto& [k, n] : rows) {
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.2f %%", total ? 100.0 * double(n) / double(total) : 0.0);
    std::cout << "  " << pad(k, width) << "  " << padLeft(std::to_string(n), 10) << "  "
              << padLeft(pct, 9) << '\n';
  }
}

int runInspect(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--group", "--layout", "--count-column"}, {});
  if (args.positional.size() != 1) {
    throw imbw::cli::UsageError("inspect needs exactly one HDF5 file");
  }
  imbw::ReaderOptions options;
  options.group = args.option("--group");
  if (const std::string layout = args.option("--layout"); !layout.empty()) {
    options.layout = imbw::layoutFromName(layout);
  }
  options.countColumn = args.option("--count-column");
  const imbw::SampleReader reader(args.positional[0], options);
  const imbw::SampleInfo& info = reader.info();

  std::cout << "file     " << info.path << '\n'
            << "group    " << info.group << '\n'
            << "layout   " << imbw::layoutName(info.layout) << '\n'
            << "events   " << info.events << '\n'
            << "columns  " << info.columns.size() << "\n\n";
  std::size_t nameWidth = 4;
  std::size_t typeWidth = 4;
  for (const auto& c : info.columns) {
    nameWidth = std::max(nameWidth, c.name.size());
    typeWidth = std::max(typeWidth, c.type.size());
  }
  std::cout << "  " << pad("name", nameWidth) << "  " << pad("type", typeWidth) << "  "
            << padLeft("length", 10) << "  jagged\n";
  for (const auto& c : info.columns) {
    std::string jagged = "no";
    if (c.jagged) {
      jagged = "yes, up to " + std::to_string(c.maxMultiplicity) + ": count(" + c.name + "), " +
               c.name + "[i], sum/max/min(" + c.name + ")";
    } else if (c.isString) {
      jagged = "no (string)";
    }
    std::cout << "  " << pad(c.name, nameWidth) << "  " << pad(c.type, typeWidth) << "  "
              << padLeft(std::to_string(c.length), 10) << "  " << jagged << '\n';
  }
  for (const auto& c : info.columns) {
    if ((c.name == "label" || c.name == "Label") && !c.jagged) printLabelCounts(reader, c);
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(inspect, "show the layout, columns and label counts of an HDF5 file", kUsage,
                 runInspect)
