package io.sluice.runtime.testing;

import com.google.protobuf.TextFormat;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.runtime.onnx.OnnxModelBuilder;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny ONNX models for tests, as serialized bytes, and helpers that lay them out as a model repository
 * ({@code <repo>/<name>/<version>/model.onnx}, optional {@code <repo>/<name>/config.pbtxt}). Shared with
 * other modules' tests through the runtime test-jar. Every model is rebuilt per call; callers may keep or
 * change the arrays.
 */
public final class TestModels {
  /**
   * The element types of {@link #identityAll()}, keyed by the suffix of its input {@code in_<suffix>} and
   * output {@code out_<suffix>}, in graph order.
   */
  public static final Map<String, TensorProto.DataType> IDENTITY_TYPES = identityTypes();

  private TestModels() {}

  /**
   * One graph with an Identity per element type: input {@code in_<suffix>} -> output {@code out_<suffix>}
   * for every entry of {@link #IDENTITY_TYPES} (bool, uint8, int8, int16, int32, int64, fp16, bf16, fp32,
   * fp64, string), each of shape {@code [batch]}. All inputs are required in every run; ONNX Runtime does
   * not hold the inputs to the same length even though they share the symbolic dim.
   */
  public static byte[] identityAll() {
    OnnxModelBuilder model = OnnxModelBuilder.graph("identity_all");
    for (Map.Entry<String, TensorProto.DataType> entry : IDENTITY_TYPES.entrySet()) {
      model.input("in_" + entry.getKey(), entry.getValue(), -1);
    }
    for (Map.Entry<String, TensorProto.DataType> entry : IDENTITY_TYPES.entrySet()) {
      String suffix = entry.getKey();
      model.node("Identity", List.of("in_" + suffix), List.of("out_" + suffix));
      model.output("out_" + suffix, entry.getValue(), -1);
    }
    return model.toByteArray();
  }

  /** {@code sum = Add(a, b)}, all FP32 of fixed shape {@code [2, 2]} (no dynamic dims). */
  public static byte[] fixedAdd() {
    return OnnxModelBuilder.graph("fixed_add")
        .input("a", TensorProto.DataType.FLOAT, 2, 2)
        .input("b", TensorProto.DataType.FLOAT, 2, 2)
        .node("Add", List.of("a", "b"), List.of("sum"))
        .output("sum", TensorProto.DataType.FLOAT, 2, 2)
        .toByteArray();
  }

  /** {@code y = Mul(x, 3)}, INT64 of shape {@code [batch, dim1]} (two dynamic dims), 3 an initializer. */
  public static byte[] scaleInt64() {
    return OnnxModelBuilder.graph("scale_int64")
        .input("x", TensorProto.DataType.INT64, -1, -1)
        .initializer(OnnxModelBuilder.int64Tensor("three", new long[0], 3))
        .node("Mul", List.of("x", "three"), List.of("y"))
        .output("y", TensorProto.DataType.INT64, -1, -1)
        .toByteArray();
  }

  /** {@code neg = Neg(x)} and {@code relu = Relu(x)}, all FP32 of shape {@code [batch]}. */
  public static byte[] twoOutputs() {
    return OnnxModelBuilder.graph("two_outputs")
        .input("x", TensorProto.DataType.FLOAT, -1)
        .node("Neg", List.of("x"), List.of("neg"))
        .node("Relu", List.of("x"), List.of("relu"))
        .output("neg", TensorProto.DataType.FLOAT, -1)
        .output("relu", TensorProto.DataType.FLOAT, -1)
        .toByteArray();
  }

  /**
   * {@code y = x + tag}, FP32 of shape {@code [batch]}: a model whose answers tell which version (tag)
   * served them, for reload and routing tests.
   */
  public static byte[] tagged(float tag) {
    return tagged("x", tag);
  }

  /** {@link #tagged(float)} with its input named {@code input}. */
  public static byte[] tagged(String input, float tag) {
    return OnnxModelBuilder.graph("tagged")
        .input(input, TensorProto.DataType.FLOAT, -1)
        .initializer(OnnxModelBuilder.floatTensor("tag", new long[0], tag))
        .node("Add", List.of(input, "tag"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, -1)
        .toByteArray();
  }

  /**
   * A deliberately slow model for drain and overload tests: {@code y = x W W ... W} ({@code layers} MatMuls
   * with one shared {@code [width, width]} FP32 weight), input {@code x} FP32 {@code [batch, width]}. Its run
   * time grows with the batch: pick the batch that makes a request last long enough.
   */
  public static byte[] slowMatMul(int width, int layers) {
    float[] identityish = new float[width * width];
    for (int i = 0; i < width; i++) {
      identityish[i * width + i] = 1f;
    }
    OnnxModelBuilder model = OnnxModelBuilder.graph("slow")
        .input("x", TensorProto.DataType.FLOAT, -1, width)
        .initializer(OnnxModelBuilder.floatTensor("w", new long[] {width, width}, identityish));
    String previous = "x";
    for (int layer = 0; layer < layers; layer++) {
      String next = layer == layers - 1 ? "y" : "h" + layer;
      model.node("MatMul", List.of(previous, "w"), List.of(next));
      previous = next;
    }
    return model.output("y", TensorProto.DataType.FLOAT, -1, width).toByteArray();
  }

  /**
   * {@code y = Identity(x)} with {@code x} FP32 {@code [3]} but {@code y} declared {@code [2]}: a model whose
   * output contradicts its declared shape on every run. ONNX Runtime notices while loading and reports {@code y}
   * as {@code [-1]}, so the server meets the contradiction where a {@code config.pbtxt} narrows {@code y} to
   * {@code [2]} (or a test's signature declares it): then only runs with preallocated outputs fail.
   */
  public static byte[] contradictsDeclaredShape() {
    return OnnxModelBuilder.graph("contradicts_declared_shape")
        .input("x", TensorProto.DataType.FLOAT, 3)
        .node("Identity", List.of("x"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, 2)
        .toByteArray();
  }

  /**
   * {@code y = Gather(table, index)}: the FP32 table {@code {10, 20, 30, 40}} is an initializer, {@code index}
   * INT64 {@code [1]}, {@code y} FP32 {@code [1]}. A model that fails in ONNX Runtime on some inputs that pass
   * validation: an index outside {@code [-4, 3]} fails the run (the request's fault, not the model's).
   */
  public static byte[] tableLookup() {
    return OnnxModelBuilder.graph("table_lookup")
        .input("index", TensorProto.DataType.INT64, 1)
        .initializer(OnnxModelBuilder.floatTensor("table", new long[] {4}, 10f, 20f, 30f, 40f))
        .node("Gather", List.of("table", "index"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, 1)
        .toByteArray();
  }

  /**
   * {@code y = x + w} where the FP32 initializer {@code w} of shape {@code [1]} is stored as external data at
   * {@code location} (relative to the model file), for the external-data path checks.
   */
  public static byte[] externalData(String location) {
    TensorProto weight = TensorProto.newBuilder()
        .setName("w")
        .addDims(1)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(io.sluice.proto.onnx.StringStringEntryProto.newBuilder()
            .setKey("location").setValue(location))
        .addExternalData(io.sluice.proto.onnx.StringStringEntryProto.newBuilder()
            .setKey("length").setValue("4"))
        .build();
    return OnnxModelBuilder.graph("external")
        .input("x", TensorProto.DataType.FLOAT, 1)
        .initializer(weight)
        .node("Add", List.of("x", "w"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, 1)
        .toByteArray();
  }

  /**
   * Writes {@code model} to {@code <repo>/<name>/<version>/model.onnx}, creating directories and
   * overwriting an existing file; returns the file.
   */
  public static Path writeModel(Path repo, String name, int version, byte[] model) {
    Path file = repo.resolve(name).resolve(Integer.toString(version)).resolve(SampleRepository.MODEL_FILENAME);
    write(file, model);
    return file;
  }

  /** Writes {@code config} in protobuf text format to {@code <repo>/<name>/config.pbtxt}; returns the file. */
  public static Path writeConfig(Path repo, String name, ModelConfig config) {
    Path file = repo.resolve(name).resolve(SampleRepository.CONFIG_FILENAME);
    write(file, TextFormat.printer().printToString(config).getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, TensorProto.DataType> identityTypes() {
    Map<String, TensorProto.DataType> types = new LinkedHashMap<>();
    types.put("bool", TensorProto.DataType.BOOL);
    types.put("uint8", TensorProto.DataType.UINT8);
    types.put("int8", TensorProto.DataType.INT8);
    types.put("int16", TensorProto.DataType.INT16);
    types.put("int32", TensorProto.DataType.INT32);
    types.put("int64", TensorProto.DataType.INT64);
    types.put("fp16", TensorProto.DataType.FLOAT16);
    types.put("bf16", TensorProto.DataType.BFLOAT16);
    types.put("fp32", TensorProto.DataType.FLOAT);
    types.put("fp64", TensorProto.DataType.DOUBLE);
    types.put("string", TensorProto.DataType.STRING);
    return Collections.unmodifiableMap(types);
  }
}
