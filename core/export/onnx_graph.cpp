#include "core/export/onnx_graph.h"

#include "core/export/protobuf_writer.h"
#include "core/util/error.h"

// Field numbers from onnx/onnx.proto (ONNX 1.12, IR version 8).
namespace imbw::onnx {

namespace {

constexpr std::int64_t kIrVersion = 8;
constexpr std::int64_t kOpset = 13;
constexpr std::int64_t kMlOpset = 1;
constexpr int kFloat = 1;  // TensorProto.DataType.FLOAT
const char* const kMlDomain = "ai.onnx.ml";

pb::Message valueInfo(const std::string& name, const std::vector<std::int64_t>& dims) {
  pb::Message shape;
  for (std::int64_t d : dims) {
    pb::Message dim;
    if (d < 0)
      dim.bytes(2, "N");  // dim_param
    else
      dim.int64(1, d);  // dim_value
    shape.message(1, dim);
  }
  pb::Message tensorType;
  tensorType.int64(1, kFloat);  // elem_type
  tensorType.message(2, shape);
  pb::Message type;
  type.message(1, tensorType);  // TypeProto.tensor_type
  pb::Message v;
  v.bytes(1, name);
  v.message(2, type);
  return v;
}

pb::Message attribute(const Attribute& a) {
  pb::Message m;
  m.bytes(1, a.name);
  m.int64(20, static_cast<std::int64_t>(a.type));
  switch (a.type) {
    case Attribute::Type::Float:
      m.float32(2, a.f);
      break;
    case Attribute::Type::Int:
      m.int64(3, a.i);
      break;
    case Attribute::Type::String:
      m.bytes(4, a.s);
      break;
    case Attribute::Type::Floats:
      m.packedFloats(7, a.floats);
      break;
    case Attribute::Type::Ints:
      m.packedInt64(8, a.ints);
      break;
    case Attribute::Type::Strings:
      for (const auto& s : a.strings) m.bytes(9, s);
      break;
  }
  return m;
}

}  // namespace

Attribute Attribute::ofFloat(std::string name, float v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::Float;
  a.f = v;
  return a;
}
Attribute Attribute::ofInt(std::string name, std::int64_t v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::Int;
  a.i = v;
  return a;
}
Attribute Attribute::ofString(std::string name, std::string v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::String;
  a.s = std::move(v);
  return a;
}
Attribute Attribute::ofFloats(std::string name, std::vector<float> v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::Floats;
  a.floats = std::move(v);
  return a;
}
Attribute Attribute::ofInts(std::string name, std::vector<std::int64_t> v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::Ints;
  a.ints = std::move(v);
  return a;
}
Attribute Attribute::ofStrings(std::string name, std::vector<std::string> v) {
  Attribute a;
  a.name = std::move(name);
  a.type = Type::Strings;
  a.strings = std::move(v);
  return a;
}

void Graph::addInput(const std::string& name, std::vector<std::int64_t> dims) {
  m_inputs.push_back({name, std::move(dims)});
}

void Graph::addOutput(const std::string& name, std::vector<std::int64_t> dims) {
  m_outputs.push_back({name, std::move(dims)});
}

void Graph::addValueInfo(const std::string& name, std::vector<std::int64_t> dims) {
  m_valueInfo.push_back({name, std::move(dims)});
}

void Graph::addInitializer(const std::string& name, std::vector<std::int64_t> dims,
                           std::vector<float> values) {
  std::int64_t size = 1;
  for (std::int64_t d : dims) size *= d;
  if (size != static_cast<std::int64_t>(values.size()))
    throw Error("ONNX export: tensor '" + name + "' has " + std::to_string(values.size()) +
                " values for " + std::to_string(size) + " entries");
  m_initializers.push_back({name, std::move(dims), std::move(values)});
}

void Graph::addNode(const std::string& opType, std::vector<std::string> inputs,
                    std::vector<std::string> outputs, std::vector<Attribute> attributes,
                    const std::string& domain) {
  if (domain == kMlDomain) m_usesMl = true;
  m_nodes.push_back({opType, domain, opType + "_" + std::to_string(m_nodes.size()),
                     std::move(inputs), std::move(outputs), std::move(attributes)});
}

std::string Graph::name(const std::string& prefix) {
  return prefix + "_" + std::to_string(m_counter++);
}

std::string Graph::serialise(const std::string& docString,
                             const std::map<std::string, std::string>& metadata) const {
  pb::Message graph;
  for (const Node& n : m_nodes) {
    pb::Message node;
    for (const auto& i : n.inputs) node.bytes(1, i);
    for (const auto& o : n.outputs) node.bytes(2, o);
    node.bytes(3, n.name);
    node.bytes(4, n.opType);
    for (const auto& a : n.attributes) node.message(5, attribute(a));
    if (!n.domain.empty()) node.bytes(7, n.domain);
    graph.message(1, node);
  }
  graph.bytes(2, m_name);
  for (const Tensor& t : m_initializers) {
    pb::Message tensor;
    tensor.packedInt64(1, t.dims);
    tensor.int64(2, kFloat);
    tensor.bytes(8, t.name);
    tensor.packedFloats(4, t.values);  // float_data
    graph.message(5, tensor);
  }
  for (const Value& v : m_inputs) graph.message(11, valueInfo(v.name, v.dims));
  for (const Value& v : m_outputs) graph.message(12, valueInfo(v.name, v.dims));
  for (const Value& v : m_valueInfo) graph.message(13, valueInfo(v.name, v.dims));

  pb::Message model;
  model.int64(1, kIrVersion);
  model.bytes(2, "Imbalance Workbench");
  model.bytes(6, docString);
  model.message(7, graph);
  pb::Message opset;
  opset.bytes(1, "");
  opset.int64(2, kOpset);
  model.message(8, opset);
  if (m_usesMl) {
    pb::Message ml;
    ml.bytes(1, kMlDomain);
    ml.int64(2, kMlOpset);
    model.message(8, ml);
  }
  for (const auto& [key, value] : metadata) {
    pb::Message entry;
    entry.bytes(1, key);
    entry.bytes(2, value);
    model.message(14, entry);
  }
  return model.data();
}

}  // namespace imbw::onnx
