#include "core/learn/model_bytes.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/util/error.h"

namespace fs = std::filesystem;

namespace imbw {

namespace {

// A private temporary folder, removed with everything in it when the scope ends: Model::save
// and loadModel work on files only.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "imbw-model-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw Error("cannot create a temporary folder in '" + fs::temp_directory_path().string() +
                  "' for a model");
    m_path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

}  // namespace

std::string modelToBytes(const Model& model) {
  const TempFolder dir;
  const fs::path file = dir.path() / ("model" + modelFileSuffix(model.kind()));
  model.save(file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot read back the saved " + model.kind() + " model");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::unique_ptr<Model> modelFromBytes(const std::string& bytes, const std::string& suffix) {
  const TempFolder dir;
  const fs::path file = dir.path() / ("model" + suffix);
  {
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error("cannot write a temporary model file '" + file.string() + "'");
  }
  return loadModel(file.string());
}

}  // namespace imbw
