// imbalance-cli apply MODEL FILE.h5 --out scored.h5: scores every event of a sample with a
// model saved by `imbalance-cli run --save-models` and writes a copy of the file with a score
// column added.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/output_paths.h"
#include "core/analysis/analysis.h"
#include "core/analysis/analysis_loader.h"
#include "core/data/sample_reader.h"
#include "core/learn/model.h"
#include "core/learn/model_io.h"
#include "core/project/kept_working_point.h"
#include "core/util/error.h"
#include "core/util/json_number.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli apply MODEL FILE.h5 --out scored.h5 [--column NAME]\n"
    "                           [--working-point CUT]\n"
    "\n"
    "Computes the model's input features for every event of FILE.h5 (the derived features\n"
    "recorded in MODEL.meta.json, written by `imbalance-cli run --save-models`), scores them and\n"
    "writes a copy of FILE.h5 with the scores as a new column next to the other columns (for\n"
    "files that are not a group of 1-D columns, in /imbw_scores). No cut is applied: the score\n"
    "column has one entry per event of the file, in file order.\n"
    "\n"
    "  --out FILE     the scored copy (required; must differ from the input)\n"
    "  --column NAME  name of the score column (default: score)\n"
    "  --working-point CUT|none\n"
    "                 also write NAME_pass: 1 where score >= CUT, else 0 (the cut from\n"
    "                 `imbalance-cli working-point`). Default: the run's working point when\n"
    "                 one was kept with it (`working-point --keep`, or Keep in the window's\n"
    "                 Working point tab; recorded in MODEL.meta.json); none: no pass flag\n";

/// The model's feature description (MODEL.meta.json, written by `run --save-models`), checked
/// key by key so that a damaged or foreign file is named with what is wrong in it.
struct ModelMeta {
  std::vector<std::string> classes;
  std::string signalClass;
  std::vector<std::pair<std::string, std::string>> derived;  ///< name, expression
  std::vector<std::string> features;
  std::optional<double> missingValue;
  std::optional<double> workingPoint;  ///< the run's kept cut ("working_point"), if any
};

ModelMeta readMeta(const std::string& metaPath) {
  std::ifstream in(metaPath);
  if (!in)
    throw imbw::Error("no feature description '" + metaPath +
                      "' next to the model (save models with `imbalance-cli run --save-models`)");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw imbw::Error("'" + metaPath + "' is not valid JSON: " + imbw::plainJsonMessage(e));
  }
  auto fail = [&](const std::string& what) {
    throw imbw::Error("'" + metaPath + "': " + what +
                      " (the file is written by `imbalance-cli run --save-models`)");
  };
  if (!meta.is_object()) fail("not a JSON object");
  auto need = [&](const char* key) -> const nlohmann::json& {
    if (!meta.contains(key)) fail(std::string("the key \"") + key + "\" is missing");
    return meta.at(key);
  };
  auto strings = [&](const char* key) {
    const auto& v = need(key);
    if (!v.is_array() ||
        !std::all_of(v.begin(), v.end(), [](const auto& s) { return s.is_string(); }))
      fail(std::string("\"") + key + "\" must be a list of names");
    return v.get<std::vector<std::string>>();
  };
  ModelMeta m;
  m.classes = strings("classes");
  if (m.classes.size() < 2) fail("\"classes\" must name at least two classes");
  m.features = strings("features");
  if (!need("signal_class").is_string()) fail("\"signal_class\" must be a class name");
  m.signalClass = meta.at("signal_class").get<std::string>();
  const auto& derived = need("derived");
  if (!derived.is_array()) fail("\"derived\" must be a list");
  for (std::size_t i = 0; i < derived.size(); ++i) {
    const auto& d = derived[i];
    if (!d.is_object() || !d.contains("name") || !d.at("name").is_string() ||
        !d.contains("expression") || !d.at("expression").is_string())
      fail("\"derived\"[" + std::to_string(i) + "] needs a \"name\" and an \"expression\"");
    m.derived.emplace_back(d.at("name").get<std::string>(), d.at("expression").get<std::string>());
  }
  if (meta.contains("missing_value") && meta.at("missing_value").is_number())
    m.missingValue = meta.at("missing_value").get<double>();
  if (meta.contains("working_point")) {
    try {
      m.workingPoint =
          imbw::KeptWorkingPoint::fromJson(meta.at("working_point"), "\"working_point\"").cut;
    } catch (const imbw::Error& e) {
      fail(e.what());
    }
  }
  return m;
}

int runApply(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--out", "--column", "--working-point"}, {});
  double cut = 0.0;
  const bool cutGiven = args.options.count("--working-point") > 0;
  const bool noCut = cutGiven && args.option("--working-point") == "none";
  bool withCut = cutGiven && !noCut;
  if (withCut) {
    const std::string v = args.option("--working-point");
    std::size_t used = 0;
    try {
      cut = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v.empty() || used != v.size() || !std::isfinite(cut))
      throw imbw::cli::UsageError("--working-point needs a score cut or 'none', not '" + v + "'");
  }
  if (args.positional.size() != 2)
    throw imbw::cli::UsageError("apply needs a model file and an HDF5 sample");
  if (!args.options.count("--out")) throw imbw::cli::UsageError("apply needs --out FILE");
  const std::string modelPath = args.positional[0];
  const std::string input = args.positional[1];
  const std::string output = args.option("--out");
  const std::string column = args.option("--column", "score");
  std::error_code ec;
  if (!std::filesystem::exists(input, ec))
    throw imbw::Error("sample '" + input + "' does not exist");
  if (std::filesystem::equivalent(input, output, ec))
    throw imbw::Error("--out must not be the input file");
  imbw::cli::requireWritableFile("--out", output);

  const ModelMeta meta = readMeta(modelPath + ".meta.json");
  if (!cutGiven && meta.workingPoint) {
    cut = *meta.workingPoint;
    withCut = true;
    std::cerr << "working point kept with the run: score >= " << cut << " (from " << modelPath
              << ".meta.json; --working-point none writes no pass flag)\n";
  }
  const auto model = imbw::loadModel(modelPath);

  // An analysis of one sample in which every event belongs to the first class: the loader then
  // computes the derived features exactly as in training, without a cut.
  imbw::Analysis analysis;
  analysis.name = "apply";
  analysis.classes = meta.classes;
  analysis.signalClass = meta.signalClass;
  imbw::Sample sample;
  sample.path = std::filesystem::absolute(input).string();
  sample.className = analysis.classes.front();
  analysis.samples.push_back(sample);
  for (const auto& [name, expression] : meta.derived)
    analysis.derived.push_back({name, expression});
  analysis.features = meta.features;
  analysis.missingValue = meta.missingValue;
  imbw::LoadOptions options;
  options.allowEmpty = true;
  const imbw::LoadedAnalysis loaded = imbw::loadAnalysis(analysis, options);
  const imbw::FeatureMatrix x = imbw::FeatureMatrix::fromTable(loaded.table, analysis.features);
  const std::vector<double> scores = model->predict(x.x);

  const imbw::SampleReader reader(input);
  std::string target = "imbw_scores/" + column;
  if (reader.info().layout == imbw::Layout::ColumnGroup) {
    const std::string& g = reader.info().group;
    target = (g.empty() || g == "/") ? column : (g.front() == '/' ? g.substr(1) : g) + "/" + column;
  }
  std::filesystem::copy_file(input, output, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) throw imbw::Error("cannot copy '" + input + "' to '" + output + "': " + ec.message());
  imbw::model_io::H5ModelFile out(output, imbw::model_io::H5ModelFile::Mode::Append);
  if (out.exists(target))
    throw imbw::Error("'" + input + "' already has a column '" + column +
                      "' (choose another with --column)");
  out.writeVector(target, scores);
  if (withCut) {
    if (out.exists(target + "_pass"))
      throw imbw::Error("'" + input + "' already has a column '" + column + "_pass'");
    std::vector<double> pass(scores.size());
    std::size_t passed = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      pass[i] = scores[i] >= cut ? 1.0 : 0.0;
      passed += scores[i] >= cut;
    }
    out.writeVector(target + "_pass", pass);
    std::cerr << passed << " of " << scores.size() << " events pass score >= " << cut << " ("
              << target << "_pass)\n";
  }
  std::cerr << "scored " << scores.size() << " events with " << model->kind() << " → " << output
            << " (" << target << ")\n";
  return 0;
}

}  // namespace

IMBW_CLI_COMMAND(apply, "score every event of an HDF5 sample with a saved model", kUsage, runApply)
