#include "core/analysis/analysis_loader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "core/data/sample_reader.h"
#include "core/expr/expression.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"
#include "core/util/strings.h"

namespace imbw {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string formatNumber(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

std::optional<double> parseNumber(const std::string& text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  while (begin < end && *begin == ' ') ++begin;
  while (end > begin && end[-1] == ' ') --end;
  if (begin < end && *begin == '+') ++begin;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return v;
}

std::string trimLabel(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

// An expression of the analysis, parsed once, with a description for error messages.
struct NamedExpression {
  std::string what;  // e.g. "cut 'mjj > 200'"
  Expression expression;
};

NamedExpression parseNamed(const std::string& what, const std::string& text) {
  try {
    return {what + " '" + text + "'", Expression::parse(text)};
  } catch (const Error& e) {
    throw Error(what + " '" + text + "': " + e.what());
  }
}

// Everything the chunk loop needs for one sample.
class SampleLoader {
 public:
  SampleLoader(const Analysis& analysis, std::size_t sampleIndex, const LoadOptions& options,
               const std::vector<NamedExpression>& derived,
               const std::optional<NamedExpression>& cut,
               const std::vector<std::string>& outputNames, LoadedAnalysis& result)
      : m_analysis(analysis),
        m_sample(analysis.samples[sampleIndex]),
        m_sampleIndex(sampleIndex),
        m_options(options),
        m_derived(derived),
        m_cut(cut),
        m_outputNames(outputNames),
        m_result(result) {}

  /// Opens the sample's file (its layout, its event count), before any sample is read.
  void open() {
    guarded([this] {
      m_path = m_analysis.resolvedPath(m_sample);
      ReaderOptions ro = m_sample.readerOptions();
      ro.chunkSize = m_options.chunkSize;
      m_reader = std::make_unique<SampleReader>(m_path, ro);
    });
  }
  std::size_t events() const { return m_reader->info().events; }

  void run() {
    guarded([this] { load(); });
    m_reader.reset();
  }

  template <typename F>
  void guarded(F&& work) {
    try {
      work();
    } catch (const Error& e) {
      // Reader errors name the file; say which sample of the analysis it is.
      std::string message = e.what();
      // The reader names the command-line flags; an analysis file has keys for them.
      if (message.find("--allow-external") != std::string::npos && !m_sample.allowExternal) {
        message += "; in an analysis file, the sample's key \"allowExternal\": true";
      }
      if (message.find("--allow-plugins") != std::string::npos && !m_sample.allowFilterPlugins) {
        message += "; in an analysis file, the sample's key \"allowFilterPlugins\": true";
      }
      if (message.rfind(where(), 0) == 0) {
        if (message == e.what()) throw;
        throw Error(message);
      }
      throw Error(where() + ": " + message);
    }
  }

 private:
  void load() {
    SampleReader& reader = *m_reader;
    const std::string& path = m_path;
    m_info = &reader.info();
    prepare();

    SampleYields sy;
    sy.name = m_sample.displayName();
    sy.path = path;
    sy.beforeCut = Yields(m_analysis.classes, m_analysis.signalIndex());
    sy.afterCut = sy.beforeCut;
    m_yields = &sy;

    if (m_stringLabels) *m_stringLabels = readStringLabels(reader);
    reader.read(m_readNames, m_asDouble, [this](const Chunk& chunk) { processChunk(chunk); });
    sy.eventsRead = m_eventsRead;
    m_result.beforeCut.merge(sy.beforeCut);
    m_result.afterCut.merge(sy.afterCut);
    m_result.samples.push_back(std::move(sy));
  }

  std::string where() const { return "sample '" + m_sample.displayName() + "'"; }

  const ColumnInfo* columnInfo(const std::string& name) const {
    for (const auto& c : m_info->columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

  // A name that is a stored column but not a scalar: say what to write instead; a name the
  // reader lists as unsupported (3-D, references, a dangling link, ...): the reader's reason.
  void checkVariable(const std::string& name, const std::string& what) const {
    if (std::find(m_available.begin(), m_available.end(), name) != m_available.end()) return;
    if (const ColumnInfo* c = columnInfo(name)) {
      if (c->jagged) {
        throw Error(where() + ": " + what + ": '" + name + "' is a collection (up to " +
                    std::to_string(c->maxMultiplicity) +
                    " elements per event), not a number per event; use an aggregate: count(" +
                    name + "), " + name + "[0] (leading), " + name + "[1], sum(" + name +
                    "), max(" + name + ") or min(" + name + ")");
      }
      if (c->isString) {
        throw Error(where() + ": " + what + ": '" + name +
                    "' is a string column; strings can only serve as class labels");
      }
    }
    if (const std::string why = m_info->whyUnreadable(name); !why.empty()) {
      throw Error(where() + ": " + what + ": cannot read '" + name + "': " + why);
    }
  }

  // Names the reader gives although scalarNames() does not list them: `c[k]` past every
  // event's multiplicity, NaN for every event (absent elements are NaN).
  void addAbsentElements(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      if (std::find(m_scalar.begin(), m_scalar.end(), name) != m_scalar.end()) continue;
      const bool derived = std::any_of(m_analysis.derived.begin(), m_analysis.derived.end(),
                                       [&](const DerivedFeature& f) { return f.name == name; });
      if (!derived && m_info->isScalarName(name)) m_scalar.push_back(name);
    }
  }

  BoundExpression bindChecked(const NamedExpression& e) const {
    for (const auto& v : e.expression.variables()) checkVariable(v, e.what);
    try {
      return e.expression.bind(m_available);
    } catch (const Error& err) {
      throw Error(where() + ": " + e.what + ": " + err.what());
    }
  }

  void prepare() {
    const NamedExpression weight = parseNamed("weight", m_sample.weight);
    std::vector<NamedExpression> classExpressions;
    for (const auto& ce : m_sample.classExpressions) {
      classExpressions.push_back(
          parseNamed("class '" + ce.className + "' expression", ce.expression));
    }
    m_scalar = m_info->scalarNames();
    {
      std::vector<std::string> used = m_outputNames;
      auto addUsed = [&](const NamedExpression& e) {
        const auto& v = e.expression.variables();
        used.insert(used.end(), v.begin(), v.end());
      };
      for (const auto& e : m_derived) addUsed(e);
      if (m_cut) addUsed(*m_cut);
      addUsed(weight);
      for (const auto& e : classExpressions) addUsed(e);
      addAbsentElements(used);
    }
    m_available = m_scalar;
    for (const auto& f : m_analysis.derived) {
      if (std::find(m_scalar.begin(), m_scalar.end(), f.name) != m_scalar.end()) {
        throw Error(where() + ": derived feature '" + f.name +
                    "' has the name of a column of the file; rename it");
      }
      m_available.push_back(f.name);
    }
    const std::size_t nScalar = m_scalar.size();

    // Derived features, each may use only earlier ones.
    for (std::size_t k = 0; k < m_derived.size(); ++k) {
      for (const auto& v : m_derived[k].expression.variables()) {
        for (std::size_t later = k; later < m_analysis.derived.size(); ++later) {
          if (m_analysis.derived[later].name == v) {
            throw Error(m_derived[k].what + " uses '" + v +
                        (later == k ? "', itself"
                                    : "', which is defined after it (derived features are "
                                      "evaluated in order)"));
          }
        }
      }
      m_boundDerived.push_back(bindChecked(m_derived[k]));
    }
    if (m_cut) m_boundCut = bindChecked(*m_cut);
    m_weight = bindChecked(weight);
    for (std::size_t k = 0; k < classExpressions.size(); ++k) {
      m_classExpr.push_back(bindChecked(classExpressions[k]));
      m_classExprIndex.push_back(m_analysis.classIndex(m_sample.classExpressions[k].className));
    }
    if (m_sample.classSource == ClassSource::Fixed) {
      m_fixedClass = m_analysis.classIndex(m_sample.className);
    }

    // Which scalar columns to read, and which of them as double (everything an expression or
    // the label reads: weights and derived features keep double precision until stored).
    std::vector<int> needDouble(nScalar, 0), needAny(nScalar, 0);
    auto markUsed = [&](const BoundExpression& b) {
      for (const int c : b.usedColumns()) {
        if (static_cast<std::size_t>(c) < nScalar) needDouble[c] = needAny[c] = 1;
      }
    };
    for (const auto& b : m_boundDerived) markUsed(b);
    if (m_cut) markUsed(m_boundCut);
    markUsed(m_weight);
    for (const auto& b : m_classExpr) markUsed(b);

    if (m_sample.classSource == ClassSource::LabelColumn) prepareLabel(needDouble, needAny);

    // Output columns: raw (scalar index) or derived (index into m_available past nScalar).
    for (const auto& name : m_outputNames) {
      const auto it = std::find(m_available.begin(), m_available.end(), name);
      if (it == m_available.end()) {
        checkVariable(name, "feature '" + name + "'");
        throw Error(where() + ": feature " + unknownNameMessage("column", name, m_available));
      }
      const auto idx = static_cast<std::size_t>(it - m_available.begin());
      m_outputSource.push_back(idx);
      if (idx < nScalar && m_options.keepEvents) needAny[idx] = 1;
    }

    for (std::size_t c = 0; c < nScalar; ++c) {
      if (!needAny[c]) continue;
      m_readIndex.push_back(c);
      m_readNames.push_back(m_scalar[c]);
      if (needDouble[c]) m_asDouble.push_back(m_scalar[c]);
    }
    m_refs.assign(m_available.size(), ColumnRef{});
    m_derivedBuf.resize(m_derived.size());
  }

  void prepareLabel(std::vector<int>& needDouble, std::vector<int>& needAny) {
    const std::string& col = m_sample.labelColumn;
    const ColumnInfo* info = columnInfo(col);
    if (info && info->isString) {
      m_stringLabels.emplace();
      for (const auto& e : m_sample.labelMap) {
        const int cls = m_analysis.classIndex(e.className);
        if (e.value == "*") {
          m_defaultClass = cls;
        } else {
          m_stringMap[e.value] = cls;
        }
      }
      return;
    }
    if (info && info->jagged) {
      throw Error(where() + ": label column '" + col +
                  "' is a collection, not one value per event");
    }
    const auto it = std::find(m_scalar.begin(), m_scalar.end(), col);
    if (it == m_scalar.end()) {
      if (const std::string why = m_info->whyUnreadable(col); !why.empty()) {
        throw Error(where() + ": label column '" + col + "': " + why);
      }
      throw Error(where() + ": label " + unknownNameMessage("column", col, m_scalar));
    }
    const auto idx = static_cast<std::size_t>(it - m_scalar.begin());
    needDouble[idx] = needAny[idx] = 1;
    m_labelScalar = static_cast<int>(idx);
    for (const auto& e : m_sample.labelMap) {
      const int cls = m_analysis.classIndex(e.className);
      if (e.value == "*") {
        m_defaultClass = cls;
        continue;
      }
      const auto v = parseNumber(e.value);
      if (!v) {
        throw Error(where() + ": label column '" + col +
                    "' is numeric but the label mapping has "
                    "the value '" +
                    e.value + "'");
      }
      m_numericMap.emplace_back(*v, cls);
    }
  }

  std::vector<std::string> readStringLabels(const SampleReader& reader) const {
    std::vector<std::string> labels = reader.readStrings(m_sample.labelColumn);
    for (auto& s : labels) s = trimLabel(std::move(s));
    return labels;
  }

  [[noreturn]] void unmappedLabel(const std::string& value, std::size_t event) const {
    std::vector<std::string> known;
    for (const auto& e : m_sample.labelMap) known.push_back("'" + e.value + "'");
    throw Error(where() + ": label column '" + m_sample.labelColumn + "' has the value '" + value +
                "' (event " + std::to_string(event) +
                ") that the label mapping does not list (it maps " + join(known, ", ") +
                "); add it, or a \"*\" entry for every other value");
  }

  void processChunk(const Chunk& chunk) {
    if (m_options.stopRequested && m_options.stopRequested()) throw LoadCancelled();
    const std::size_t n = chunk.size;
    m_eventsRead += n;
    // Column pointers, with the missing-value sentinel turned into NaN on a private copy.
    const double* labelValues = nullptr;
    if (m_sentinelF.size() < m_readNames.size()) {
      m_sentinelF.resize(m_readNames.size());
      m_sentinelD.resize(m_readNames.size());
    }
    for (std::size_t r = 0; r < m_readNames.size(); ++r) {
      ColumnRef ref = chunk.columns[r];
      const std::size_t scalarIdx = m_readIndex[r];
      if (static_cast<int>(scalarIdx) == m_labelScalar) labelValues = ref.d;
      if (m_analysis.missingValue) {
        const double sentinel = *m_analysis.missingValue;
        if (ref.d) {
          auto& buf = m_sentinelD[r];
          buf.assign(ref.d, ref.d + n);
          for (auto& v : buf) {
            if (v == sentinel) v = kNaN;
          }
          ref.d = buf.data();
        } else if (ref.f) {
          auto& buf = m_sentinelF[r];
          buf.assign(ref.f, ref.f + n);
          const float s = static_cast<float>(sentinel);
          for (auto& v : buf) {
            if (v == s) v = std::numeric_limits<float>::quiet_NaN();
          }
          ref.f = buf.data();
        }
      }
      m_refs[scalarIdx] = ref;
    }
    const std::size_t nScalar = m_scalar.size();
    for (std::size_t k = 0; k < m_boundDerived.size(); ++k) {
      m_derivedBuf[k].resize(n);
      m_boundDerived[k].evaluate(m_refs, n, m_derivedBuf[k].data());
      m_refs[nScalar + k] = ColumnRef{nullptr, m_derivedBuf[k].data()};
    }

    // Class of each event (-1: not used).
    m_class.assign(n, -1);
    switch (m_sample.classSource) {
      case ClassSource::Fixed:
        std::fill(m_class.begin(), m_class.end(), m_fixedClass);
        break;
      case ClassSource::LabelColumn:
        if (m_stringLabels) {
          if (chunk.first + n > m_stringLabels->size()) {
            throw Error(where() + ": label column '" + m_sample.labelColumn +
                        "' is shorter than the other columns");
          }
          for (std::size_t i = 0; i < n; ++i) {
            const std::string& v = (*m_stringLabels)[chunk.first + i];
            const auto it = m_stringMap.find(v);
            if (it != m_stringMap.end()) {
              m_class[i] = it->second;
            } else if (m_defaultClass >= 0) {
              m_class[i] = m_defaultClass;
            } else {
              unmappedLabel(v, chunk.first + i);
            }
          }
        } else {
          for (std::size_t i = 0; i < n; ++i) {
            const double v = labelValues[i];
            int cls = -1;
            for (const auto& [value, c] : m_numericMap) {
              if (v == value) {
                cls = c;
                break;
              }
            }
            if (cls < 0) {
              if (m_defaultClass >= 0 && !std::isnan(v)) {
                cls = m_defaultClass;
              } else {
                unmappedLabel(formatNumber(v), chunk.first + i);
              }
            }
            m_class[i] = cls;
          }
        }
        break;
      case ClassSource::Expressions:
        m_mask.resize(n);
        // Later expressions first so that the first matching one wins.
        for (std::size_t e = m_classExpr.size(); e-- > 0;) {
          m_classExpr[e].select(m_refs, n, m_mask.data());
          for (std::size_t i = 0; i < n; ++i) {
            if (m_mask[i]) m_class[i] = m_classExprIndex[e];
          }
        }
        break;
    }

    m_w.resize(n);
    m_weight.evaluate(m_refs, n, m_w.data());
    m_keep.assign(n, 1);
    if (m_cut) m_boundCut.select(m_refs, n, m_keep.data());

    m_selected.clear();
    for (std::size_t i = 0; i < n; ++i) {
      const int c = m_class[i];
      if (c < 0) continue;
      const double w = m_w[i];
      if (!std::isfinite(w)) {
        throw Error(where() + ": weight '" + m_sample.weight + "' is " + formatNumber(w) +
                    " for event " + std::to_string(chunk.first + i) +
                    " (a missing or infinite input?)");
      }
      m_yields->beforeCut.add(c, w);
      if (m_keep[i]) m_yields->afterCut.add(c, w);
      if (!m_options.applyCut || m_keep[i]) m_selected.push_back(static_cast<std::uint32_t>(i));
    }
    if (!m_options.keepEvents || m_selected.empty()) return;

    // Gather column by column into a small buffer, then append: sequential access, and no
    // zero-filling of the table's growing columns.
    EventTable& t = m_result.table;
    const std::size_t kept = m_selected.size();
    m_gather.resize(kept);
    for (std::size_t o = 0; o < m_outputSource.size(); ++o) {
      const ColumnRef& ref = m_refs[m_outputSource[o]];
      if (ref.f) {
        for (std::size_t k = 0; k < kept; ++k) m_gather[k] = ref.f[m_selected[k]];
      } else {
        for (std::size_t k = 0; k < kept; ++k) {
          m_gather[k] = static_cast<float>(ref.d[m_selected[k]]);
        }
      }
      t.columns[o].insert(t.columns[o].end(), m_gather.begin(), m_gather.end());
    }
    for (std::size_t k = 0; k < kept; ++k) {
      t.classIndex.push_back(m_class[m_selected[k]]);
      t.weight.push_back(m_w[m_selected[k]]);
      t.eventIndex.push_back(static_cast<std::int64_t>(chunk.first + m_selected[k]));
    }
    t.sampleIndex.insert(t.sampleIndex.end(), kept, static_cast<std::int32_t>(m_sampleIndex));
  }

  const Analysis& m_analysis;
  const Sample& m_sample;
  std::size_t m_sampleIndex;
  const LoadOptions& m_options;
  const std::vector<NamedExpression>& m_derived;
  const std::optional<NamedExpression>& m_cut;
  const std::vector<std::string>& m_outputNames;
  LoadedAnalysis& m_result;

  std::string m_path;
  std::unique_ptr<SampleReader> m_reader;
  const SampleInfo* m_info = nullptr;
  std::vector<std::string> m_scalar;     // the file's scalar names
  std::vector<std::string> m_available;  // scalar names, then derived names
  std::vector<BoundExpression> m_boundDerived;
  BoundExpression m_boundCut;
  BoundExpression m_weight;
  std::vector<BoundExpression> m_classExpr;
  std::vector<int> m_classExprIndex;
  int m_fixedClass = -1;
  int m_labelScalar = -1;
  int m_defaultClass = -1;
  std::vector<std::pair<double, int>> m_numericMap;
  std::unordered_map<std::string, int> m_stringMap;
  std::optional<std::vector<std::string>> m_stringLabels;

  std::vector<std::size_t> m_readIndex;  // read position → scalar index
  std::vector<std::string> m_readNames;
  std::vector<std::string> m_asDouble;
  std::vector<std::size_t> m_outputSource;  // output column → index into m_available

  std::vector<ColumnRef> m_refs;
  std::vector<std::vector<double>> m_derivedBuf;
  std::vector<std::vector<float>> m_sentinelF;
  std::vector<std::vector<double>> m_sentinelD;
  std::vector<int> m_class;
  std::vector<double> m_w;
  std::vector<std::uint8_t> m_keep, m_mask;
  std::vector<std::uint32_t> m_selected;
  std::vector<float> m_gather;  // events of the chunk that go into the table
  std::size_t m_eventsRead = 0;
  SampleYields* m_yields = nullptr;
};

void checkTableMemory(std::uint64_t events, std::size_t columns, const LoadOptions& options) {
  std::optional<AvailableMemory> available;
  if (options.availableMemory) {
    available = AvailableMemory{*options.availableMemory, "the caller's memory budget"};
  } else {
    available = availableMemory();
  }
  requireMemory(tableBytes(events, columns),
                "loading " + std::to_string(events) + " events × " + std::to_string(columns) +
                    " columns (float32, plus class, weight and row per event; every event of "
                    "the samples, before the cut)",
                available,
                "keep fewer columns (features, derived features, the columns the cut uses), use "
                "fewer or smaller sample files, or run on a machine (a cluster node: submit "
                "--mem) with more memory");
}

}  // namespace

LoadedAnalysis loadAnalysis(const Analysis& analysis, const LoadOptions& options) {
  analysis.validate();
  std::vector<NamedExpression> derived;
  for (const auto& f : analysis.derived) {
    derived.push_back(parseNamed("derived feature '" + f.name + "' =", f.expression));
  }
  std::optional<NamedExpression> cut;
  if (analysis.cut.find_first_not_of(" \t\r\n") != std::string::npos) {
    cut = parseNamed("cut", analysis.cut);
  }

  std::vector<std::string> outputNames;
  auto addOutput = [&](const std::string& name) {
    if (std::find(outputNames.begin(), outputNames.end(), name) == outputNames.end()) {
      outputNames.push_back(name);
    }
  };
  for (const auto& f : analysis.features) addOutput(f);
  for (const auto& f : analysis.derived) addOutput(f.name);
  if (cut) {
    for (const auto& v : cut->expression.variables()) addOutput(v);
  }
  for (const auto& c : options.extraColumns) addOutput(c);

  LoadedAnalysis result;
  result.beforeCut = Yields(analysis.classes, analysis.signalIndex());
  result.afterCut = result.beforeCut;
  EventTable& t = result.table;
  t.columnNames = outputNames;
  t.columns.resize(outputNames.size());
  t.classNames = analysis.classes;
  t.signalClass = analysis.signalIndex();

  std::vector<std::unique_ptr<SampleLoader>> loaders;
  std::uint64_t events = 0;
  for (std::size_t s = 0; s < analysis.samples.size(); ++s) {
    loaders.push_back(
        std::make_unique<SampleLoader>(analysis, s, options, derived, cut, outputNames, result));
    loaders.back()->open();
    events += loaders.back()->events();
  }
  if (options.keepEvents) {
    if (options.checkMemory) checkTableMemory(events, outputNames.size(), options);
    // Reserved once for every event: the columns never reallocate (a reallocation briefly holds
    // a column twice); with a cut, the pages past the kept events are never touched.
    for (auto& c : t.columns) c.reserve(events);
    t.classIndex.reserve(events);
    t.weight.reserve(events);
    t.sampleIndex.reserve(events);
    t.eventIndex.reserve(events);
  }
  for (auto& loader : loaders) loader->run();

  for (const auto& key : analysis.unrecognisedKeys()) {
    result.warnings.push_back("unknown top-level key '" + key + "' kept as is");
  }
  const std::size_t before = result.beforeCut.totalEvents();
  const std::size_t after = result.afterCut.totalEvents();
  if (before == 0) {
    const std::string msg = "the samples hold no events of the analysis classes";
    if (!options.allowEmpty) throw Error(msg);
    result.warnings.push_back(msg);
  } else if (after == 0) {
    const std::string msg =
        "the cut '" + analysis.cut + "' selects none of the " + std::to_string(before) + " events";
    if (!options.allowEmpty) throw Error("empty selection: " + msg);
    result.warnings.push_back(msg);
  } else {
    for (const auto& y : result.afterCut.perClass) {
      if (y.events == 0) {
        result.warnings.push_back("class '" + y.className + "' has no events after the cut");
      }
    }
  }
  return result;
}

}  // namespace imbw
