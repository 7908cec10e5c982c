package io.sluice.runtime.onnx;

import com.google.protobuf.ByteString;
import io.sluice.proto.onnx.AttributeProto;
import io.sluice.proto.onnx.GraphProto;
import io.sluice.proto.onnx.ModelProto;
import io.sluice.proto.onnx.NodeProto;
import io.sluice.proto.onnx.OperatorSetIdProto;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.proto.onnx.TensorShapeProto;
import io.sluice.proto.onnx.TypeProto;
import io.sluice.proto.onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Assembles a small ONNX {@link ModelProto}: IR version {@value #IR_VERSION}, default-domain opset
 * {@value #DEFAULT_OPSET} and, when asked for, the {@value #ML_DOMAIN} domain.
 *
 * <p>Graph inputs and outputs take their dims as {@code long}s; {@code -1} marks a dynamic dim, written as
 * {@code dim_param} {@code "batch"} when it is the first dim and {@code "dim<index>"} otherwise, so values
 * of the same shape share their symbolic dims. Numeric tensors are written as little-endian {@code raw_data}.
 * Nodes are named {@code <op_type>_<index>} in the order they are added.
 *
 * <p>The same calls always produce the same bytes. A builder is not thread-safe; use one per model.
 *
 * <pre>{@code
 * byte[] model = OnnxModelBuilder.graph("negate")
 *     .input("x", TensorProto.DataType.FLOAT, -1)
 *     .node("Neg", List.of("x"), List.of("y"))
 *     .output("y", TensorProto.DataType.FLOAT, -1)
 *     .toByteArray();
 * }</pre>
 */
public final class OnnxModelBuilder {
  /** The ONNX IR version written to every model. */
  public static final long IR_VERSION = 8;
  /** The default-domain opset version written to every model. */
  public static final long DEFAULT_OPSET = 17;
  /** The domain of the ONNX-ML operators such as {@code LabelEncoder}. */
  public static final String ML_DOMAIN = "ai.onnx.ml";
  /** The {@code dim_param} written for a dynamic first dim. */
  public static final String BATCH_DIM = "batch";

  static final String PRODUCER_NAME = "sluice";

  private final ModelProto.Builder model = ModelProto.newBuilder()
      .setIrVersion(IR_VERSION)
      .setProducerName(PRODUCER_NAME);
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private long mlOpset;

  private OnnxModelBuilder(String graphName) {
    graph.setName(requireNonEmpty(graphName, "graphName"));
  }

  /** A builder for a model whose graph is named {@code graphName}. */
  public static OnnxModelBuilder graph(String graphName) {
    return new OnnxModelBuilder(graphName);
  }

  /** Imports the {@value #ML_DOMAIN} domain at {@code version} (e.g. 3, which matches opset 17). */
  public OnnxModelBuilder mlOpset(long version) {
    if (version <= 0) {
      throw new IllegalArgumentException("mlOpset: " + version + " (expected: > 0)");
    }
    mlOpset = version;
    return this;
  }

  /** Adds a graph input; {@code -1} in {@code dims} is a dynamic dim. */
  public OnnxModelBuilder input(String name, TensorProto.DataType type, long... dims) {
    graph.addInput(valueInfo(name, type, dims));
    return this;
  }

  /** Adds a graph output; {@code -1} in {@code dims} is a dynamic dim. */
  public OnnxModelBuilder output(String name, TensorProto.DataType type, long... dims) {
    graph.addOutput(valueInfo(name, type, dims));
    return this;
  }

  /** Adds an initializer (a constant, e.g. weights); its name is what nodes refer to. */
  public OnnxModelBuilder initializer(TensorProto tensor) {
    requireNonEmpty(tensor.getName(), "initializer name");
    graph.addInitializer(tensor);
    return this;
  }

  /** Adds a default-domain node. */
  public OnnxModelBuilder node(
      String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    return node("", opType, inputs, outputs, attributes);
  }

  /** Adds a node of {@code domain} ({@code ""} for the default domain, or {@link #ML_DOMAIN}). */
  public OnnxModelBuilder node(
      String domain, String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    requireNonEmpty(opType, "opType");
    NodeProto.Builder node = NodeProto.newBuilder()
        .setName(opType + "_" + graph.getNodeCount())
        .setOpType(opType)
        .setDomain(domain)
        .addAllInput(inputs)
        .addAllOutput(outputs);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
    return this;
  }

  /** The model. The builder stays usable. */
  public ModelProto build() {
    ModelProto.Builder result = model.clone()
        .clearOpsetImport()
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(DEFAULT_OPSET));
    if (mlOpset > 0) {
      result.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(mlOpset));
    }
    return result.setGraph(graph.build()).build();
  }

  /** The model's serialized bytes, what an {@code .onnx} file holds. */
  public byte[] toByteArray() {
    return build().toByteArray();
  }

  // ---- tensors -------------------------------------------------------------------------------------------

  /** A FLOAT tensor; {@code values} in row-major order. */
  public static TensorProto floatTensor(String name, long[] dims, float... values) {
    ByteBuffer raw = littleEndian(checkCount(name, dims, values.length) * Float.BYTES);
    for (float value : values) {
      raw.putFloat(value);
    }
    return rawTensor(name, TensorProto.DataType.FLOAT, dims, raw.array());
  }

  /** A DOUBLE tensor; {@code values} in row-major order. */
  public static TensorProto doubleTensor(String name, long[] dims, double... values) {
    ByteBuffer raw = littleEndian(checkCount(name, dims, values.length) * Double.BYTES);
    for (double value : values) {
      raw.putDouble(value);
    }
    return rawTensor(name, TensorProto.DataType.DOUBLE, dims, raw.array());
  }

  /** An INT32 tensor; {@code values} in row-major order. */
  public static TensorProto int32Tensor(String name, long[] dims, int... values) {
    ByteBuffer raw = littleEndian(checkCount(name, dims, values.length) * Integer.BYTES);
    for (int value : values) {
      raw.putInt(value);
    }
    return rawTensor(name, TensorProto.DataType.INT32, dims, raw.array());
  }

  /** An INT64 tensor; {@code values} in row-major order. */
  public static TensorProto int64Tensor(String name, long[] dims, long... values) {
    ByteBuffer raw = littleEndian(checkCount(name, dims, values.length) * Long.BYTES);
    for (long value : values) {
      raw.putLong(value);
    }
    return rawTensor(name, TensorProto.DataType.INT64, dims, raw.array());
  }

  /** A STRING tensor (UTF-8 in {@code string_data}, since strings have no raw form). */
  public static TensorProto stringTensor(String name, long[] dims, String... values) {
    checkCount(name, dims, values.length);
    TensorProto.Builder tensor = tensorHeader(name, TensorProto.DataType.STRING, dims);
    for (String value : values) {
      tensor.addStringData(ByteString.copyFromUtf8(value));
    }
    return tensor.build();
  }

  /**
   * A tensor of any fixed-size element type from its little-endian bytes, e.g. FLOAT16 or BOOL (one byte
   * per element, 0 or 1). The byte count is not checked against the element size.
   */
  public static TensorProto rawTensor(String name, TensorProto.DataType type, long[] dims, byte[] littleEndian) {
    return tensorHeader(name, type, dims).setRawData(ByteString.copyFrom(littleEndian)).build();
  }

  // ---- attributes ----------------------------------------------------------------------------------------

  /** An INT attribute. */
  public static AttributeProto intAttribute(String name, long value) {
    return attribute(name, AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** A FLOAT attribute. */
  public static AttributeProto floatAttribute(String name, float value) {
    return attribute(name, AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  /** A STRING attribute (UTF-8). */
  public static AttributeProto stringAttribute(String name, String value) {
    return attribute(name, AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value)).build();
  }

  /** An INTS attribute. */
  public static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.INTS);
    for (long value : values) {
      attribute.addInts(value);
    }
    return attribute.build();
  }

  /** A FLOATS attribute. */
  public static AttributeProto floatsAttribute(String name, float... values) {
    AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.FLOATS);
    for (float value : values) {
      attribute.addFloats(value);
    }
    return attribute.build();
  }

  /** A STRINGS attribute (UTF-8). */
  public static AttributeProto stringsAttribute(String name, String... values) {
    AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.STRINGS);
    for (String value : values) {
      attribute.addStrings(ByteString.copyFromUtf8(value));
    }
    return attribute.build();
  }

  /** A TENSOR attribute, e.g. the {@code value} of a {@code Constant} node. */
  public static AttributeProto tensorAttribute(String name, TensorProto value) {
    return attribute(name, AttributeProto.AttributeType.TENSOR).setT(value).build();
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long... dims) {
    requireNonEmpty(name, "value name");
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension.Builder dim = shape.addDimBuilder();
      if (dims[i] == -1) {
        dim.setDimParam(i == 0 ? BATCH_DIM : "dim" + i);
      } else if (dims[i] >= 0) {
        dim.setDimValue(dims[i]);
      } else {
        throw new IllegalArgumentException(name + ": dim " + i + " is " + dims[i] + " (expected: >= 0 or -1)");
      }
    }
    TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
        .setElemType(elementType(type))
        .setShape(shape)
        .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(tensorType))
        .build();
  }

  private static TensorProto.Builder tensorHeader(String name, TensorProto.DataType type, long[] dims) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(elementType(type));
    for (long dim : dims) {
      if (dim < 0) {
        throw new IllegalArgumentException(name + ": dim " + dim + " (expected: >= 0)");
      }
      tensor.addDims(dim);
    }
    return tensor;
  }

  private static AttributeProto.Builder attribute(String name, AttributeProto.AttributeType type) {
    return AttributeProto.newBuilder().setName(requireNonEmpty(name, "attribute name")).setType(type);
  }

  private static int elementType(TensorProto.DataType type) {
    if (type == TensorProto.DataType.UNDEFINED || type == TensorProto.DataType.UNRECOGNIZED) {
      throw new IllegalArgumentException("element type: " + type + " (expected: a defined type)");
    }
    return type.getNumber();
  }

  private static int checkCount(String name, long[] dims, int count) {
    long expected = 1;
    for (long dim : dims) {
      expected = Math.multiplyExact(expected, dim);
    }
    if (expected != count) {
      throw new IllegalArgumentException(name + ": " + count + " values (expected: " + expected + ")");
    }
    return count;
  }

  private static ByteBuffer littleEndian(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String requireNonEmpty(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + ": empty (expected: a name)");
    }
    return value;
  }
}
