#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace imbw::onnx {

/// One attribute of a node (the ONNX AttributeProto kinds we write).
struct Attribute {
  enum class Type { Float = 1, Int = 2, String = 3, Floats = 6, Ints = 7, Strings = 8 };
  std::string name;
  Type type = Type::Int;
  float f = 0.0f;
  std::int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;
  std::vector<std::string> strings;

  static Attribute ofFloat(std::string name, float v);
  static Attribute ofInt(std::string name, std::int64_t v);
  static Attribute ofString(std::string name, std::string v);
  static Attribute ofFloats(std::string name, std::vector<float> v);
  static Attribute ofInts(std::string name, std::vector<std::int64_t> v);
  static Attribute ofStrings(std::string name, std::vector<std::string> v);
};

/// An ONNX graph under construction: float32 tensors only, the batch dimension named "N".
/// serialise() gives the bytes of a ModelProto (IR version 8, opset 13 and ai.onnx.ml 1), the
/// format `onnx.load` reads and `onnx.checker` validates.
class Graph {
 public:
  explicit Graph(std::string name) : m_name(std::move(name)) {}

  /// dims: −1 = the batch dimension "N".
  void addInput(const std::string& name, std::vector<std::int64_t> dims);
  void addOutput(const std::string& name, std::vector<std::int64_t> dims);
  /// The type of an intermediate tensor (GraphProto.value_info), for operators whose output
  /// shape inference cannot derive (the ai.onnx.ml tree ensembles).
  void addValueInfo(const std::string& name, std::vector<std::int64_t> dims);
  /// A constant float32 tensor (row-major).
  void addInitializer(const std::string& name, std::vector<std::int64_t> dims,
                      std::vector<float> values);
  /// A float32 constant of shape [1] (broadcasts against any tensor).
  void addScalar(const std::string& name, float value) { addInitializer(name, {1}, {value}); }
  void addNode(const std::string& opType, std::vector<std::string> inputs,
               std::vector<std::string> outputs, std::vector<Attribute> attributes = {},
               const std::string& domain = "");
  /// A fresh tensor name with this prefix.
  std::string name(const std::string& prefix);

  /// The model file. metadata: ModelProto.metadata_props (feature names, classes, ...).
  std::string serialise(const std::string& docString,
                        const std::map<std::string, std::string>& metadata) const;

 private:
  struct Value {
    std::string name;
    std::vector<std::int64_t> dims;
  };
  struct Tensor {
    std::string name;
    std::vector<std::int64_t> dims;
    std::vector<float> values;
  };
  struct Node {
    std::string opType, domain, name;
    std::vector<std::string> inputs, outputs;
    std::vector<Attribute> attributes;
  };
  std::string m_name;
  std::vector<Value> m_inputs, m_outputs, m_valueInfo;
  std::vector<Tensor> m_initializers;
  std::vector<Node> m_nodes;
  bool m_usesMl = false;
  int m_counter = 0;
};

}  // namespace imbw::onnx
