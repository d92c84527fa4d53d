// imbalance-cli export-model MODEL --format xgboost|ubj|onnx --out FILE: a model saved by
// `imbalance-cli run --save-models` in a format other programs run (XGBoost, ROOT, ONNX
// runtimes).

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "core/export/model_export.h"
#include "core/learn/model.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli export-model MODEL --format xgboost|ubj|onnx --out FILE\n"
    "\n"
    "Writes a model saved by `imbalance-cli run --save-models` so that other programs predict\n"
    "the same scores:\n"
    "  gbdt                          xgboost (XGBoost JSON), ubj (XGBoost UBJ), onnx (two "
    "classes)\n"
    "  random_forest,                xgboost / ubj (regression trees whose sum is the forest's\n"
    "  balanced_random_forest        mean: objective reg:squarederror, base_score 0), onnx\n"
    "  easy_ensemble, mlp, logistic  onnx\n"
    "ONNX files take one input 'features' (float32 [N, F], NaN = missing, the feature order of\n"
    "MODEL.meta.json, which is also written into the file) and give 'score' [N, 1], or\n"
    "'probabilities' [N, K] for K > 2 classes.\n"
    "\n"
    "  --format F   xgboost, ubj or onnx (required)\n"
    "  --out FILE   the exported model (required)\n";

int runExportModel(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--format", "--out"}, {});
  if (args.positional.size() != 1) throw imbw::cli::UsageError("export-model needs one model file");
  if (!args.options.count("--format"))
    throw imbw::cli::UsageError("export-model needs --format xgboost|ubj|onnx");
  if (!args.options.count("--out")) throw imbw::cli::UsageError("export-model needs --out FILE");
  const std::string modelPath = args.positional[0];
  const std::string out = args.option("--out");
  const imbw::ModelFormat format = imbw::parseModelFormat(args.option("--format"));
  if (!std::filesystem::exists(modelPath)) throw imbw::Error("no model file '" + modelPath + "'");
  if (std::filesystem::exists(out) && std::filesystem::equivalent(modelPath, out))
    throw imbw::Error("--out must not be the model file");

  imbw::ExportInfo info;
  std::ifstream metaIn(modelPath + ".meta.json");
  if (metaIn) {
    try {
      const auto meta = nlohmann::json::parse(metaIn);
      info.featureNames = meta.at("features").get<std::vector<std::string>>();
      info.classNames = meta.at("classes").get<std::vector<std::string>>();
      info.signalClass = meta.at("signal_class").get<std::string>();
    } catch (const nlohmann::json::exception& e) {
      throw imbw::Error("'" + modelPath + ".meta.json' is not a model description: " + e.what());
    }
  }
  const auto model = imbw::loadModel(modelPath);
  imbw::exportModel(*model, format, out, info);
  std::cerr << "exported " << model->kind() << " as " << imbw::formatName(format) << " → " << out
            << '\n';
  return 0;
}

}  // namespace

// Registered by hand: the command's name has a hyphen, which IMBW_CLI_COMMAND's id cannot.
namespace {
const bool registered = imbw::cli::registerCommand(
    {"export-model", "write a saved model as XGBoost JSON/UBJ or ONNX", kUsage, runExportModel});
}  // namespace
