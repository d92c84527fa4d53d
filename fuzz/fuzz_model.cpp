// libFuzzer target: the model loaders (loadModel: our HDF5 models, forest and EasyEnsemble
// JSON/UBJSON, XGBoost's UBJ/JSON with our metadata). A damaged or foreign file must give
// imbw::Error naming the file; a model that loads must predict on inputs of its width (or refuse
// a wrong width with imbw::Error). Anything else is a finding.

#include <cstdint>

#include "core/learn/model.h"
#include "core/util/error.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (1u << 20)) return -1;
  const std::string path = imbw::fuzz::asFile(data, size, "model");
  try {
    const auto model = imbw::loadModel(path);
    (void)model->config();
    for (int width : {1, 3, 5}) {
      imbw::RowMatrixF x(4, width);
      x.setConstant(0.5f);
      x(1, 0) = -2.0f;
      try {
        (void)model->predict(x);
        (void)model->predictProba(x);
      } catch (const imbw::Error&) {
      }
    }
  } catch (const imbw::Error&) {
  }
  return 0;
}
