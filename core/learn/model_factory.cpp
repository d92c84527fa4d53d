// makeModel / loadModel: the one place that knows every model kind. The tree models (helper
// area gbdt_/forest_/easy_ensemble_) are wired in when their headers are present.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/learn/autoencoder_model.h"
#include "core/learn/logistic_model.h"
#include "core/learn/mlp_model.h"
#include "core/learn/model.h"
#include "core/learn/model_io.h"
#include "core/learn/one_variable_model.h"
#include "core/learn/pipeline_model.h"
#include "core/util/error.h"
#include "core/util/json_number.h"
#include "core/util/strings.h"

#if __has_include("core/learn/gbdt_model.h")
#include "core/learn/gbdt_model.h"
#define IMBW_HAVE_GBDT 1
#endif
#if __has_include("core/learn/forest_model.h")
#include "core/learn/forest_model.h"
#define IMBW_HAVE_FOREST 1
#endif
#if __has_include("core/learn/easy_ensemble_model.h")
#include "core/learn/easy_ensemble_model.h"
#define IMBW_HAVE_EASY_ENSEMBLE 1
#endif

namespace imbw {

std::unique_ptr<Model> makeModel(const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("kind") || !spec.at("kind").is_string())
    throw Error("a model specification needs a \"kind\" (e.g. {\"kind\": \"mlp\"})");
  const std::string kind = spec.at("kind").get<std::string>();
  if (kind == "mlp") return std::make_unique<MlpModel>(MlpConfig::fromJson(spec));
  if (kind == "logistic") return std::make_unique<LogisticModel>(LogisticConfig::fromJson(spec));
  if (kind == "autoencoder")
    return std::make_unique<AutoencoderModel>(AutoencoderConfig::fromJson(spec));
  if (kind == "one_variable")
    return std::make_unique<OneVariableModel>(OneVariableConfig::fromJson(spec));
#ifdef IMBW_HAVE_GBDT
  if (kind == "gbdt") return GbdtModel::create(spec);
#endif
#ifdef IMBW_HAVE_FOREST
  if (kind == "random_forest" || kind == "balanced_random_forest")
    return std::make_unique<ForestModel>(
        ForestParams::fromJson(spec, kind == "balanced_random_forest"));
#endif
#ifdef IMBW_HAVE_EASY_ENSEMBLE
  if (kind == "easy_ensemble")
    return std::make_unique<EasyEnsembleModel>(EasyEnsembleParams::fromJson(spec));
#endif
  throw Error(unknownNameMessage("model kind", kind,
                                 {"mlp", "logistic", "one_variable", "gbdt", "random_forest",
                                  "balanced_random_forest", "easy_ensemble", "autoencoder"}));
}

namespace {

std::unique_ptr<Model> loadModelFile(const std::string& path) {
  if (model_io::isHdf5File(path)) {
    std::string kind;
    {
      model_io::H5ModelFile f(path, model_io::H5ModelFile::Mode::Read);
      if (!f.hasAttribute("imbw_model_kind"))
        throw Error("'" + path + "' is an HDF5 file but not a saved model");
      kind = f.readAttribute("imbw_model_kind");
    }
    if (kind == "mlp") return MlpModel::load(path);
    if (kind == "logistic") return LogisticModel::load(path);
    if (kind == "one_variable") return OneVariableModel::load(path);
    if (kind == "autoencoder") return AutoencoderModel::load(path);
    throw Error("'" + path + "' holds a model of unknown kind '" + kind + "'");
  }
#ifdef IMBW_HAVE_GBDT
  return GbdtModel::load(path);  // every tree model (XGBoost UBJ/JSON, EasyEnsemble JSON)
#else
  throw Error("'" + path + "' is not a model file this build can read");
#endif
}

}  // namespace

std::unique_ptr<Model> loadModel(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw Error("model file '" + path + "' does not exist");
  if (std::filesystem::is_directory(status))
    throw Error("'" + path + "' is a folder, not a model file");
  // Every way a damaged or foreign file can fail becomes one message naming the file and the
  // cause; no parser's exception type and no "internal error" reaches the user.
  try {
    // A model saved with an input transform or a calibration has PATH.pipeline.json beside it.
    return PipelineModel::wrapIfSidecar(loadModelFile(path), path);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.find(path) != std::string::npos) throw;
    throw Error("model file '" + path + "': " + what);
  } catch (const nlohmann::json::exception& e) {
    throw Error("model file '" + path +
                "' is damaged or was not written by Imbalance Workbench: " + plainJsonMessage(e));
  } catch (const std::bad_alloc&) {
    throw Error("model file '" + path +
                "' is damaged: it declares sizes that do not fit in memory");
  } catch (const std::length_error&) {
    throw Error("model file '" + path + "' is damaged: it declares impossible sizes");
  }
}

std::string modelFileSuffix(const std::string& kind) {
  if (kind == "mlp" || kind == "logistic" || kind == "one_variable" || kind == "autoencoder")
    return ".h5";
  if (kind == "easy_ensemble") return ".json";
  return ".ubj";
}

}  // namespace imbw
