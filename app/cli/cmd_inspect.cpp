// imbalance-cli inspect FILE.h5: what the reader sees in a file, as text or (--json) for a
// program, e.g. the window probing a file it has not opened before in a child process.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/data/sample_reader.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli inspect FILE.h5 [--group PATH] [--layout NAME] [--count-column NAME]\n"
    "                                     [--allow-external] [--allow-plugins] [--json]\n"
    "\n"
    "Prints the group holding the events and why it was chosen, the detected layout, every\n"
    "column (name, type, length, jagged or not), the objects that cannot be read and why, the\n"
    "groups that hold no events and, for a column named 'label' or 'Label', the number of\n"
    "events per label value. When several groups hold events it lists them (exit 0): name one\n"
    "with --group (in an analysis: the sample's \"group\").\n"
    "\n"
    "  --group PATH          HDF5 group or dataset holding the events (default: detect)\n"
    "  --layout NAME         force the layout: ColumnGroup, Matrix2D, Compound, PandasFixed,\n"
    "                        PandasTable (default: detect)\n"
    "  --count-column NAME   per-event element count of padded jagged arrays\n"
    "  --allow-external      follow external links and read external storage (other files)\n"
    "  --allow-plugins       read datasets compressed with HDF5 filter plugins\n"
    "  --json                one JSON object on stdout instead (no label counts): \"status\"\n"
    "                        ok | ambiguous | error, \"error\", \"file\", \"group\", \"reason\",\n"
    "                        \"layout\", \"events\", \"candidates\", \"columns\" (name, type,\n"
    "                        kind number|string|jagged|unreadable, length, maxMultiplicity),\n"
    "                        \"unsupported\" and \"skipped\" (path, name, reason); exit 1 on "
    "error\n";

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

nlohmann::json groupsJson(const std::vector<imbw::EventGroup>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : groups) {
    out.push_back({{"group", g.group},
                   {"layout", imbw::layoutName(g.layout)},
                   {"events", g.events},
                   {"columns", g.columns}});
  }
  return out;
}

nlohmann::json notesJson(const std::vector<imbw::ObjectNote>& notes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& n : notes) {
    out.push_back({{"path", n.path}, {"name", n.name}, {"reason", n.reason}});
  }
  return out;
}

const char* columnKind(const imbw::ColumnInfo& c) {
  if (c.jagged) return "jagged";
  if (c.type == "object (pickled)") return "unreadable";
  return c.isString ? "string" : "number";
}

nlohmann::json infoJson(const imbw::SampleInfo& info) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : info.columns) {
    nlohmann::json col = {
        {"name", c.name}, {"type", c.type}, {"kind", columnKind(c)}, {"length", c.length}};
    if (c.jagged) col["maxMultiplicity"] = c.maxMultiplicity;
    columns.push_back(std::move(col));
  }
  return {{"status", "ok"},
          {"file", info.path},
          {"group", info.group},
          {"reason", info.reason},
          {"layout", imbw::layoutName(info.layout)},
          {"events", info.events},
          {"candidates", groupsJson(info.candidates)},
          {"columns", std::move(columns)},
          {"unsupported", notesJson(info.unsupported)},
          {"skipped", notesJson(info.skipped)}};
}

// --json: every outcome is one JSON object on stdout, so that a probing program needs no
// second parser for errors.
int inspectJson(const std::string& path, const imbw::ReaderOptions& options) {
  nlohmann::json out;
  int code = 0;
  try {
    const imbw::SampleReader reader(path, options);
    out = infoJson(reader.info());
  } catch (const imbw::AmbiguousSampleError& e) {
    out = {{"status", "ambiguous"},
           {"file", path},
           {"error", e.what()},
           {"group", nullptr},
           {"candidates", groupsJson(e.groups())}};
  } catch (const imbw::Error& e) {
    out = {{"status", "error"}, {"file", path}, {"error", e.what()}, {"group", nullptr}};
    code = 1;
  }
  std::cout << out.dump(1) << '\n';
  return code;
}

void printNotes(const char* title, const std::vector<imbw::ObjectNote>& notes) {
  if (notes.empty()) return;
  std::cout << '\n' << title << ":\n";
  for (const auto& n : notes) std::cout << "  " << n.path << ": " << n.reason << '\n';
}

int runInspect(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--group", "--layout", "--count-column"},
                                         {"--json", "--allow-external", "--allow-plugins"});
  if (args.positional.size() != 1) {
    throw imbw::cli::UsageError("inspect needs exactly one HDF5 file");
  }
  imbw::ReaderOptions options;
  options.group = args.option("--group");
  if (const std::string layout = args.option("--layout"); !layout.empty()) {
    options.layout = imbw::layoutFromName(layout);
  }
  options.countColumn = args.option("--count-column");
  options.allowExternal = args.flag("--allow-external");
  options.allowFilterPlugins = args.flag("--allow-plugins");
  if (args.flag("--json")) return inspectJson(args.positional[0], options);

  std::optional<imbw::SampleReader> opened;
  try {
    opened.emplace(args.positional[0], options);
  } catch (const imbw::AmbiguousSampleError& e) {
    std::cout << "file     " << args.positional[0] << '\n'
              << "group    none chosen: " << e.groups().size()
              << " groups hold events; name one with --group\n\n";
    std::size_t width = 5;
    for (const auto& g : e.groups()) width = std::max(width, g.group.size());
    std::cout << "  " << pad("group", width) << "  " << pad("layout", 11) << "  "
              << padLeft("events", 10) << "  " << padLeft("columns", 7) << '\n';
    for (const auto& g : e.groups()) {
      std::cout << "  " << pad(g.group, width) << "  " << pad(imbw::layoutName(g.layout), 11)
                << "  " << padLeft(std::to_string(g.events), 10) << "  "
                << padLeft(std::to_string(g.columns), 7) << '\n';
    }
    return 0;
  }
  const imbw::SampleReader& reader = *opened;
  const imbw::SampleInfo& info = reader.info();

  std::cout << "file     " << info.path << '\n'
            << "group    " << info.group << '\n'
            << "why      " << info.reason << '\n'
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
  printNotes("unsupported (not read)", info.unsupported);
  printNotes("not events", info.skipped);
  for (const auto& c : info.columns) {
    if ((c.name == "label" || c.name == "Label") && !c.jagged) printLabelCounts(reader, c);
  }
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(inspect, "show the layout, columns and label counts of an HDF5 file", kUsage,
                 runInspect)
