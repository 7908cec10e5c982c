package io.sluice.runtime.onnx;

import static io.sluice.runtime.onnx.OrtTestSupport.ENVIRONMENT;
import static io.sluice.runtime.onnx.OrtTestSupport.direct;
import static io.sluice.runtime.onnx.OrtTestSupport.floats;
import static io.sluice.runtime.onnx.OrtTestSupport.floatsOf;
import static io.sluice.runtime.onnx.OrtTestSupport.longs;
import static io.sluice.runtime.onnx.OrtTestSupport.longsOf;
import static io.sluice.runtime.onnx.OrtTestSupport.session;
import static io.sluice.runtime.onnx.OrtTestSupport.tensorInfo;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.google.protobuf.TextFormat;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every {@link TestModels} model in ONNX Runtime and checks its signature and outputs. */
class TestModelsTest {
  private static final Map<String, OnnxTensorType> ORT_TYPES = Map.ofEntries(
      Map.entry("bool", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL),
      Map.entry("uint8", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8),
      Map.entry("int8", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8),
      Map.entry("int16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16),
      Map.entry("int32", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32),
      Map.entry("int64", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64),
      Map.entry("fp16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16),
      Map.entry("bf16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16),
      Map.entry("fp32", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT),
      Map.entry("fp64", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE),
      Map.entry("string", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING));

  private static final byte[] BOOLS = {1, 0, 1};
  private static final byte[] UINT8S = {0, (byte) 200, (byte) 255};
  private static final byte[] INT8S = {Byte.MIN_VALUE, 0, Byte.MAX_VALUE};
  private static final short[] INT16S = {Short.MIN_VALUE, 1, Short.MAX_VALUE};
  private static final int[] INT32S = {Integer.MIN_VALUE, 0, Integer.MAX_VALUE};
  private static final long[] INT64S = {Long.MIN_VALUE, 42, Long.MAX_VALUE};
  /** 1.0, -2.0 and 65504 (the largest finite half) as IEEE 754 half-precision bits. */
  private static final short[] FP16S = {0x3C00, (short) 0xC000, 0x7BFF};
  /** 1.0, -2.0 and the largest finite bfloat16 as bfloat16 bits. */
  private static final short[] BF16S = {0x3F80, (short) 0xC000, 0x7F7F};
  private static final float[] FP32S = {1.5f, -2.25f, Float.MAX_VALUE};
  private static final double[] FP64S = {Math.PI, -1e300, Double.MIN_VALUE};
  /** Deliberately a different length from the other inputs: the shared symbolic dim is not enforced. */
  private static final String[] STRINGS = {"", "h\u00e9llo \u2713"};

  @TempDir Path temp;

  @Test
  void identityAllDeclaresEveryTypeWithDynamicDim() throws OrtException {
    assertThat(TestModels.IDENTITY_TYPES.keySet()).containsExactly(
        "bool", "uint8", "int8", "int16", "int32", "int64", "fp16", "bf16", "fp32", "fp64", "string");
    try (OrtSession session = session(TestModels.identityAll())) {
      assertThat(session.getInputNames()).hasSize(11);
      assertThat(session.getOutputNames()).hasSize(11);
      for (String suffix : TestModels.IDENTITY_TYPES.keySet()) {
        for (TensorInfo info : List.of(
            tensorInfo(session.getInputInfo(), "in_" + suffix),
            tensorInfo(session.getOutputInfo(), "out_" + suffix))) {
          assertThat(info.onnxType).as(suffix).isEqualTo(ORT_TYPES.get(suffix));
          assertThat(info.getShape()).as(suffix).containsExactly(-1L);
        }
      }
    }
  }

  @Test
  void identityAllReturnsEveryInputUnchanged() throws OrtException {
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try (OrtSession session = session(TestModels.identityAll())) {
      long[] three = {3};
      inputs.put("in_bool", OnnxTensor.createTensor(ENVIRONMENT, bytes(BOOLS), three, OnnxJavaType.BOOL));
      inputs.put("in_uint8", OnnxTensor.createTensor(ENVIRONMENT, bytes(UINT8S), three, OnnxJavaType.UINT8));
      inputs.put("in_int8", OnnxTensor.createTensor(ENVIRONMENT, bytes(INT8S), three, OnnxJavaType.INT8));
      inputs.put("in_int16", OnnxTensor.createTensor(ENVIRONMENT, shorts(INT16S), three, OnnxJavaType.INT16));
      inputs.put("in_int32", OnnxTensor.createTensor(ENVIRONMENT, ints(INT32S), three));
      inputs.put("in_int64", longs(three, INT64S));
      inputs.put("in_fp16", OnnxTensor.createTensor(ENVIRONMENT, shorts(FP16S), three, OnnxJavaType.FLOAT16));
      inputs.put("in_bf16", OnnxTensor.createTensor(ENVIRONMENT, shorts(BF16S), three, OnnxJavaType.BFLOAT16));
      inputs.put("in_fp32", floats(three, FP32S));
      inputs.put("in_fp64", OnnxTensor.createTensor(ENVIRONMENT, doubles(FP64S), three));
      inputs.put("in_string", OnnxTensor.createTensor(ENVIRONMENT, STRINGS, new long[] {STRINGS.length}));

      try (OrtSession.Result result = session.run(inputs)) {
        assertThat(result.size()).isEqualTo(11);
        assertThat((boolean[]) output(result, "out_bool").getValue()).containsExactly(true, false, true);
        assertThat(bytesOf(output(result, "out_bool"))).containsExactly(BOOLS);
        assertThat(bytesOf(output(result, "out_uint8"))).containsExactly(UINT8S);
        assertThat(bytesOf(output(result, "out_int8"))).containsExactly(INT8S);
        assertThat(shortsOf(output(result, "out_int16"))).containsExactly(INT16S);
        assertThat((int[]) output(result, "out_int32").getValue()).containsExactly(INT32S);
        assertThat(longsOf(output(result, "out_int64"))).containsExactly(INT64S);
        assertThat(shortsOf(output(result, "out_fp16"))).containsExactly(FP16S);
        assertThat(shortsOf(output(result, "out_bf16"))).containsExactly(BF16S);
        assertThat(floatsOf(output(result, "out_fp32"))).containsExactly(FP32S);
        assertThat((double[]) output(result, "out_fp64").getValue()).containsExactly(FP64S);
        assertThat((String[]) output(result, "out_string").getValue()).containsExactly(STRINGS);
        for (String suffix : TestModels.IDENTITY_TYPES.keySet()) {
          long length = suffix.equals("string") ? STRINGS.length : 3;
          assertThat(output(result, "out_" + suffix).getInfo().getShape()).as(suffix).containsExactly(length);
        }
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void fixedAddHasFixedDimsAndAdds() throws OrtException {
    long[] shape = {2, 2};
    try (OrtSession session = session(TestModels.fixedAdd());
        OnnxTensor a = floats(shape, 1f, 2f, 3f, 4f);
        OnnxTensor b = floats(shape, 10f, -20f, 0.5f, -4f);
        OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
      for (String name : List.of("a", "b")) {
        TensorInfo info = tensorInfo(session.getInputInfo(), name);
        assertThat(info.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
        assertThat(info.getShape()).containsExactly(2L, 2L);
      }
      assertThat(tensorInfo(session.getOutputInfo(), "sum").getShape()).containsExactly(2L, 2L);

      OnnxTensor sum = output(result, "sum");
      assertThat(sum.getInfo().getShape()).containsExactly(2L, 2L);
      assertThat(floatsOf(sum)).containsExactly(11f, -18f, 3.5f, 0f);
    }
  }

  @Test
  void scaleInt64HasTwoDynamicDimsAndTriples() throws OrtException {
    try (OrtSession session = session(TestModels.scaleInt64())) {
      TensorInfo input = tensorInfo(session.getInputInfo(), "x");
      assertThat(input.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
      assertThat(input.getShape()).containsExactly(-1L, -1L);
      assertThat(input.getDimensionNames()).containsExactly("batch", "dim1");
      TensorInfo output = tensorInfo(session.getOutputInfo(), "y");
      assertThat(output.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
      assertThat(output.getShape()).containsExactly(-1L, -1L);

      long[][] shapes = {{2, 3}, {1, 5}};
      for (long[] shape : shapes) {
        long[] values = new long[(int) (shape[0] * shape[1])];
        long[] expected = new long[values.length];
        for (int i = 0; i < values.length; i++) {
          values[i] = i - 2L;
          expected[i] = 3 * values[i];
        }
        try (OnnxTensor x = longs(shape, values); OrtSession.Result result = session.run(Map.of("x", x))) {
          OnnxTensor y = output(result, "y");
          assertThat(y.getInfo().getShape()).containsExactly(shape);
          assertThat(longsOf(y)).containsExactly(expected);
        }
      }
    }
  }

  @Test
  void twoOutputsNegatesAndRectifies() throws OrtException {
    try (OrtSession session = session(TestModels.twoOutputs());
        OnnxTensor x = floats(new long[] {4}, -2f, -0.5f, 0f, 3f);
        OrtSession.Result result = session.run(Map.of("x", x))) {
      assertThat(tensorInfo(session.getInputInfo(), "x").getShape()).containsExactly(-1L);
      assertThat(session.getOutputNames()).containsExactly("neg", "relu");
      for (String name : List.of("neg", "relu")) {
        TensorInfo info = tensorInfo(session.getOutputInfo(), name);
        assertThat(info.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
        assertThat(info.getShape()).containsExactly(-1L);
      }

      assertThat(floatsOf(output(result, "neg"))).containsExactly(2f, 0.5f, -0f, -3f);
      assertThat(floatsOf(output(result, "relu"))).containsExactly(0f, 0f, 0f, 3f);
    }
  }

  @Test
  void writeModelAndConfigLayOutARepository() throws IOException {
    byte[] model = TestModels.twoOutputs();
    Path file = TestModels.writeModel(temp, "two", 3, model);
    ModelConfig config = ModelConfig.newBuilder().setName("two").setMaxBatchSize(0).build();
    Path configFile = TestModels.writeConfig(temp, "two", config);

    assertThat(file).isEqualTo(temp.resolve("two/3/model.onnx")).hasBinaryContent(model);
    ModelConfig.Builder parsed = ModelConfig.newBuilder();
    TextFormat.getParser().merge(Files.readString(configFile), parsed);
    assertThat(configFile).isEqualTo(temp.resolve("two/config.pbtxt"));
    assertThat(parsed.build()).isEqualTo(config);

    byte[] other = TestModels.fixedAdd();
    TestModels.writeModel(temp, "two", 3, other);
    assertThat(file).hasBinaryContent(other);
  }

  @Test
  void modelsAreTinyAndDeterministic() {
    List<byte[]> first = allModels();
    List<byte[]> second = allModels();
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i)).isEqualTo(second.get(i)).hasSizeLessThan(2048);
    }
  }

  private static List<byte[]> allModels() {
    List<byte[]> models = new ArrayList<>();
    models.add(TestModels.identityAll());
    models.add(TestModels.fixedAdd());
    models.add(TestModels.scaleInt64());
    models.add(TestModels.twoOutputs());
    return models;
  }

  private static OnnxTensor output(OrtSession.Result result, String name) {
    return (OnnxTensor) result.get(name).orElseThrow(() -> new AssertionError("no output " + name));
  }

  private static ByteBuffer bytes(byte[] values) {
    return direct(values.length).put(values).flip();
  }

  private static ShortBuffer shorts(short[] values) {
    return direct(values.length * Short.BYTES).asShortBuffer().put(values).flip();
  }

  private static IntBuffer ints(int[] values) {
    return direct(values.length * Integer.BYTES).asIntBuffer().put(values).flip();
  }

  private static DoubleBuffer doubles(double[] values) {
    return direct(values.length * Double.BYTES).asDoubleBuffer().put(values).flip();
  }

  private static byte[] bytesOf(OnnxTensor tensor) {
    ByteBuffer buffer = tensor.getByteBuffer();
    byte[] values = new byte[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static short[] shortsOf(OnnxTensor tensor) {
    ShortBuffer buffer = tensor.getShortBuffer();
    short[] values = new short[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
