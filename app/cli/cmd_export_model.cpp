// imbalance-cli export-model MODEL --format xgboost|ubj|onnx --out FILE: a model saved by
// `imbalance-cli run --save-models` in a format other programs run (XGBoost, ROOT, ONNX
// runtimes); or, with --run, a fold model of a project's run from its sidecar.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/output_paths.h"
#include "app/cli/project_results.h"
#include "core/export/model_export.h"
#include "core/export/project_exports.h"
#include "core/learn/model.h"
#include "core/util/error.h"

namespace {

const char* const kUsage =
    "usage: imbalance-cli export-model MODEL --format xgboost|ubj|onnx --out FILE\n"
    "       imbalance-cli export-model PROJECT.json --run ID|NAME --fold K|all\n"
    "                                  --format xgboost|ubj|onnx --out FILE\n"
    "\n"
    "Writes a model saved by `imbalance-cli run --save-models`, or the fold model of a run\n"
    "stored in a project (PROJECT.results.h5, written by the window's Save or `run --save`),\n"
    "so that other programs predict the same scores:\n"
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
    "  --out FILE   the exported model (required); with --fold all, FILE's name gets _fold1,\n"
    "               _fold2, ... before its extension (net.onnx -> net_fold1.onnx, ...)\n"
    "  --run R      the project's run, by id (r1, r2, ...) or name\n"
    "  --fold K     the fold whose model is written (1-based), or all (required with --run)\n";

/// The fold models of a project's run, written through a temporary model file each.
int exportFromProject(const imbw::cli::Args& args, imbw::ModelFormat format) {
  if (!args.options.count("--fold"))
    throw imbw::cli::UsageError("export-model with --run needs --fold K or --fold all");
  const std::string projectPath = args.positional[0];
  const std::string out = args.option("--out");
  const imbw::Project project = imbw::Project::load(projectPath);
  const imbw::ProjectRun& run =
      imbw::cli::findProjectRun(project, projectPath, args.option("--run"));
  const auto store = imbw::readRunStore(imbw::sidecarPath(projectPath));
  const auto stored = imbw::cli::storedResults(store, projectPath, run);
  if (stored->models.empty())
    throw imbw::Error("run '" + run.name() + "' has no stored fold models in '" +
                      imbw::sidecarPath(projectPath) + "'");
  const std::vector<std::size_t> folds =
      imbw::cli::parseFolds(args.option("--fold"), stored->models.size());
  const bool all = folds.size() > 1 || args.option("--fold") == "all";
  for (std::size_t k : folds)
    imbw::cli::requireWritableFile("--out", all ? imbw::foldFilePath(out, k) : out);
  for (const imbw::ExportedModel& m :
       imbw::exportStoredModels(project, run, *stored, folds, format, out, all))
    std::cerr << "exported " << run.name() << " fold " << m.fold + 1 << " (" << m.kind << ") as "
              << imbw::formatName(format) << " → " << m.path << '\n';
  return 0;
}

int runExportModel(const std::vector<std::string>& argv) {
  const auto args = imbw::cli::parseArgs(argv, {"--format", "--out", "--run", "--fold"}, {});
  if (args.positional.size() != 1)
    throw imbw::cli::UsageError("export-model needs one model file or project");
  if (!args.options.count("--format"))
    throw imbw::cli::UsageError("export-model needs --format xgboost|ubj|onnx");
  if (!args.options.count("--out")) throw imbw::cli::UsageError("export-model needs --out FILE");
  const imbw::ModelFormat format = imbw::parseModelFormat(args.option("--format"));
  if (args.options.count("--run")) return exportFromProject(args, format);
  if (args.options.count("--fold"))
    throw imbw::cli::UsageError("--fold picks a fold of a project's run: give --run too");
  const std::string modelPath = args.positional[0];
  const std::string out = args.option("--out");
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
