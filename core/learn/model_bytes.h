#pragma once

#include <memory>
#include <string>

#include "core/learn/model.h"

namespace imbw {

/// A trained model as the bytes of the file Model::save writes (suffix modelFileSuffix(kind)),
/// for keeping it inside another file (the project's sidecar). Throws imbw::Error when the
/// temporary file cannot be made.
std::string modelToBytes(const Model& model);

/// The model back from modelToBytes' bytes (`suffix`: ".ubj", ".h5", ".json"). Throws
/// imbw::Error for bytes that are not a model.
std::unique_ptr<Model> modelFromBytes(const std::string& bytes, const std::string& suffix);

}  // namespace imbw
