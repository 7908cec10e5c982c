package io.sluice.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.ContractFailure;
import io.sluice.gateway.contract.ProtocolClient.Input;
import io.sluice.gateway.contract.ProtocolClient.Metadata;
import io.sluice.gateway.contract.ProtocolClient.Output;
import io.sluice.gateway.contract.ProtocolClient.Result;
import io.sluice.gateway.contract.ProtocolClient.TensorInfo;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.onnx.SampleRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one contract suite every front end passes (PROTOCOL.md's conformance checklist). Expected numbers are
 * computed here, independently of the gateway, from the sample models' published weights.
 */
abstract class InferenceContract {
  private static final float[] FEATURES = {0.5f, -1.25f, 2f, 0.75f, -0.3f, 0.1f, 1.5f, -2f};

  protected ProtocolClient client;

  /** A client for the front end under test, connected to {@code ContractServer.get()}. */
  protected abstract ProtocolClient newClient();

  @BeforeEach
  void connect() {
    ContractServer.get();
    client = newClient();
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private static Input features(long batch, float... values) {
    return new Input(SampleRepository.CLASSIFIER_INPUT, "FP32", new long[] {batch, 4}, values);
  }

  /** softmax(x W + b) row by row, in double precision. */
  private static float[] expectedProbabilities(int version, float[] features) {
    float[][] weights = SampleRepository.classifierWeights(version);
    float[] bias = SampleRepository.classifierBias(version);
    int rows = features.length / 4;
    float[] out = new float[rows * 3];
    for (int r = 0; r < rows; r++) {
      double[] logits = new double[3];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 3; c++) {
        double sum = bias[c];
        for (int k = 0; k < 4; k++) {
          sum += (double) features[r * 4 + k] * weights[k][c];
        }
        logits[c] = sum;
        max = Math.max(max, sum);
      }
      double total = 0;
      for (int c = 0; c < 3; c++) {
        logits[c] = Math.exp(logits[c] - max);
        total += logits[c];
      }
      for (int c = 0; c < 3; c++) {
        out[r * 3 + c] = (float) (logits[c] / total);
      }
    }
    return out;
  }

  @Test
  void serverIsLiveAndReady() {
    assertThat(client.live()).isTrue();
    assertThat(client.ready()).isTrue();
    assertThat(client.modelReady(SampleRepository.CLASSIFIER, "")).isTrue();
    assertThat(client.modelReady(SampleRepository.CLASSIFIER, "1")).isTrue();
    assertThat(client.modelReady(SampleRepository.CLASSIFIER, "7")).isFalse();
  }

  @Test
  void metadataShowsVersionsAndDynamicDimsAsMinusOne() {
    Metadata metadata = client.metadata(SampleRepository.CLASSIFIER, "");
    assertThat(metadata.name()).isEqualTo(SampleRepository.CLASSIFIER);
    assertThat(metadata.versions()).containsExactly("1", "2");
    assertThat(metadata.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.inputs()).containsExactly(new TensorInfo("features", "FP32", List.of(-1L, 4L)));
    assertThat(metadata.outputs()).containsExactly(new TensorInfo("probabilities", "FP32", List.of(-1L, 3L)));

    Metadata lookup = client.metadata(SampleRepository.LOOKUP, "1");
    assertThat(lookup.inputs()).containsExactly(new TensorInfo("text", "BYTES", List.of(-1L)));
    assertThat(lookup.outputs()).containsExactly(new TensorInfo("token_id", "INT64", List.of(-1L)));

    assertThat(client.metadata(ContractServer.SCALE, "").inputs().get(0).shape()).containsExactly(-1L, -1L);
  }

  @Test
  void configReportsMaxBatchSize() {
    assertThat(client.maxBatchSize(SampleRepository.CLASSIFIER)).isEqualTo(64);
    assertThat(client.maxBatchSize(ContractServer.FIXED_ADD)).isZero();
  }

  @Test
  void classifierOutputsMatchAnIndependentSoftmaxForEachVersion() {
    Result latest = client.infer(Call.of(SampleRepository.CLASSIFIER, features(2, FEATURES)).id("req-7"));
    assertThat(latest.ok()).as(latest.message()).isTrue();
    assertThat(latest.modelVersion()).isEqualTo("2");
    assertThat(latest.id()).isEqualTo("req-7");
    Output probabilities = latest.output("probabilities");
    assertThat(probabilities.datatype()).isEqualTo("FP32");
    assertThat(probabilities.shape()).containsExactly(2, 3);
    assertClose(RawTensors.floats(probabilities.raw()), expectedProbabilities(2, FEATURES));

    Result first = client.infer(Call.of(SampleRepository.CLASSIFIER, features(2, FEATURES)).version("1"));
    assertThat(first.modelVersion()).isEqualTo("1");
    assertClose(RawTensors.floats(first.output("probabilities").raw()), expectedProbabilities(1, FEATURES));
    assertThat(expectedProbabilities(1, FEATURES)).isNotEqualTo(expectedProbabilities(2, FEATURES));
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("element " + i).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void stringInputsMapToTokenIds() {
    String[] words = {"dog", "unicorn", "fish", "cat"};
    Result result = client.infer(Call.of(SampleRepository.LOOKUP,
        new Input("text", "BYTES", new long[] {4}, words)));
    assertThat(result.ok()).as(result.message()).isTrue();
    long[] expected = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      int index = SampleRepository.VOCABULARY.indexOf(words[i]);
      expected[i] = index < 0 ? SampleRepository.UNKNOWN_TOKEN_ID : index;
    }
    assertThat(RawTensors.longs(result.output("token_id").raw())).containsExactly(expected);
    assertThat(result.output("token_id").datatype()).isEqualTo("INT64");
  }

  @Test
  void int64TensorsWithTwoDynamicDims() {
    long[] values = {1, -2, Long.MAX_VALUE / 4, 7, 0, -9};
    Result result = client.infer(Call.of(ContractServer.SCALE, new Input("x", "INT64", new long[] {2, 3}, values)));
    assertThat(result.ok()).as(result.message()).isTrue();
    long[] expected = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      expected[i] = values[i] * 3;
    }
    assertThat(RawTensors.longs(result.output("y").raw())).containsExactly(expected);
    assertThat(result.output("y").shape()).containsExactly(2, 3);
  }

  @Test
  void everyDatatypeRoundTripsThroughIdentity() {
    Map<String, Input> inputs = new LinkedHashMap<>();
    inputs.put("bool", new Input("in_bool", "BOOL", new long[] {3}, new boolean[] {true, false, true}));
    inputs.put("uint8", new Input("in_uint8", "UINT8", new long[] {3}, new byte[] {0, 7, (byte) 255}));
    inputs.put("int8", new Input("in_int8", "INT8", new long[] {3}, new byte[] {-128, 0, 127}));
    inputs.put("int16", new Input("in_int16", "INT16", new long[] {3}, new short[] {-32768, 1, 32767}));
    inputs.put("int32", new Input("in_int32", "INT32", new long[] {3}, new int[] {Integer.MIN_VALUE, 0, 42}));
    inputs.put("int64", new Input("in_int64", "INT64", new long[] {3}, new long[] {Long.MIN_VALUE, 0, 1L << 53}));
    inputs.put("fp16", new Input("in_fp16", "FP16", new long[] {3}, new short[] {0x3C00, (short) 0xC000, 0x7BFF}));
    inputs.put("bf16", new Input("in_bf16", "BF16", new long[] {3}, new short[] {0x3F80, (short) 0xC000, 0x4049}));
    inputs.put("fp32", new Input("in_fp32", "FP32", new long[] {3}, new float[] {1.5f, -0f, 3.4e38f}));
    inputs.put("fp64", new Input("in_fp64", "FP64", new long[] {3}, new double[] {Math.PI, -1e-300, 0}));
    inputs.put("string", new Input("in_string", "BYTES", new long[] {3}, new String[] {"a", "", "ünï"}));

    String[] outputs = inputs.keySet().stream().map(s -> "out_" + s).toArray(String[]::new);
    Result result = client.infer(new Call(ContractServer.IDENTITY, "", "", List.copyOf(inputs.values()),
        List.of(outputs)));
    assertThat(result.ok()).as(result.message()).isTrue();
    for (Map.Entry<String, Input> entry : inputs.entrySet()) {
      Output output = result.output("out_" + entry.getKey());
      Input input = entry.getValue();
      assertThat(output.datatype()).as(entry.getKey()).isEqualTo(input.datatype());
      assertThat(output.shape()).as(entry.getKey()).containsExactly(3);
      assertThat(RawTensors.bytes(output.raw())).as(entry.getKey())
          .isEqualTo(RawTensors.bytes(RawTensors.encode(input.datatype(), input.values())));
    }
  }

  @Test
  void requestedOutputsAreTheOnlyOnesReturned() {
    Input x = new Input("x", "FP32", new long[] {3}, new float[] {-1f, 0f, 2f});
    Result relu = client.infer(Call.of(ContractServer.TWO_OUTPUTS, x).outputs("relu"));
    assertThat(relu.ok()).as(relu.message()).isTrue();
    assertThat(relu.outputs()).extracting(Output::name).containsExactly("relu");
    assertThat(RawTensors.floats(relu.output("relu").raw())).containsExactly(0f, 0f, 2f);

    Result all = client.infer(Call.of(ContractServer.TWO_OUTPUTS, x));
    assertThat(all.outputs()).extracting(Output::name).containsExactlyInAnyOrder("neg", "relu");
    assertThat(RawTensors.floats(all.output("neg").raw())).containsExactly(1f, -0f, -2f);
  }

  @Test
  void unknownModelsAndVersionsAreNotFound() {
    Input x = features(1, 1, 2, 3, 4);
    assertRejected(Call.of("no_such_model", x), ErrorCode.NOT_FOUND, "no_such_model");
    assertRejected(Call.of(SampleRepository.CLASSIFIER, x).version("9"), ErrorCode.NOT_FOUND, "version 9");
    assertRejected(Call.of(SampleRepository.CLASSIFIER, x).version("v1"), ErrorCode.INVALID_ARGUMENT, "version");
    assertThatThrownBy(() -> client.metadata("no_such_model", ""))
        .isInstanceOfSatisfying(ContractFailure.class, e -> assertThat(e.code).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> client.modelReady("no_such_model", ""))
        .isInstanceOfSatisfying(ContractFailure.class, e -> assertThat(e.code).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void badInputsAreRejectedWithMessagesNamingTheInput() {
    String model = SampleRepository.CLASSIFIER;
    assertRejected(Call.of(model, new Input("wrong", "FP32", new long[] {1, 4}, new float[4])),
        ErrorCode.INVALID_ARGUMENT, "wrong");
    assertRejected(Call.of(model), ErrorCode.INVALID_ARGUMENT, "features");
    assertRejected(Call.of(model, new Input("features", "FP64", new long[] {1, 4}, new double[4])),
        ErrorCode.INVALID_ARGUMENT, "features");
    assertRejected(Call.of(model, features(1, 1, 2, 3, 4), features(1, 1, 2, 3, 4)),
        ErrorCode.INVALID_ARGUMENT, "features");
    assertRejected(Call.of(model, new Input("features", "FP32", new long[] {1, 3}, new float[3])),
        ErrorCode.INVALID_ARGUMENT, "features");
    assertRejected(Call.of(model, new Input("features", "FP32", new long[] {65, 4}, new float[260])),
        ErrorCode.INVALID_ARGUMENT, "batch size 65");
    assertRejected(Call.of(model, features(1, 1, 2, 3, 4)).outputs("nope"), ErrorCode.INVALID_ARGUMENT, "nope");
    assertRejected(Call.of(ContractServer.FIXED_ADD,
            new Input("a", "FP32", new long[] {2, 3}, new float[6]),
            new Input("b", "FP32", new long[] {2, 3}, new float[6])),
        ErrorCode.INVALID_ARGUMENT, "[2,2]");

    Result valid = client.infer(Call.of(model, features(1, 1, 2, 3, 4)));
    assertThat(valid.ok()).as("a valid request after rejections: " + valid.message()).isTrue();
  }

  @Test
  void shapeAndDataDisagreeingIsRejected() {
    assertRejected(Call.of(SampleRepository.CLASSIFIER, features(2, 1, 2, 3, 4)),
        ErrorCode.INVALID_ARGUMENT, "features");
    assertRejected(Call.of(SampleRepository.LOOKUP, new Input("text", "BYTES", new long[] {3}, new String[] {"a"})),
        ErrorCode.INVALID_ARGUMENT, "text");
  }

  @Test
  void statisticsCountSuccessfulInferences() {
    long before = client.successCount(SampleRepository.CLASSIFIER, "1");
    client.infer(Call.of(SampleRepository.CLASSIFIER, features(1, 1, 2, 3, 4)).version("1"));
    client.infer(Call.of(SampleRepository.CLASSIFIER, features(1, 1, 2, 3, 4)).version("1"));
    assertThat(client.successCount(SampleRepository.CLASSIFIER, "1")).isGreaterThanOrEqualTo(before + 2);
  }

  @Test
  void repositoryApiUnloadsAndLoadsByName() {
    assertThat(client.repositoryIndex(false)).contains(
        new ProtocolClient.IndexRow(ContractServer.SPARE, "1", "READY", ""),
        new ProtocolClient.IndexRow(SampleRepository.CLASSIFIER, "2", "READY", ""));
    Input x = new Input("x", "FP32", new long[] {1}, new float[] {1f});
    try {
      assertThat(client.unload(ContractServer.SPARE)).isNull();
      assertThat(client.repositoryIndex(false)).contains(
          new ProtocolClient.IndexRow(ContractServer.SPARE, "", "UNAVAILABLE", "unloaded"));
      assertThat(client.repositoryIndex(true)).extracting(ProtocolClient.IndexRow::name)
          .doesNotContain(ContractServer.SPARE);
      assertRejected(Call.of(ContractServer.SPARE, x), ErrorCode.UNAVAILABLE, "spare");
      assertThat(client.ready()).as("an unloaded model is no longer awaited by readiness").isTrue();
    } finally {
      assertThat(client.load(ContractServer.SPARE)).isNull();
    }
    Result result = client.infer(Call.of(ContractServer.SPARE, x));
    assertThat(RawTensors.floats(result.output("y").raw())).containsExactly(6f);
  }

  @Test
  void repositoryApiRejectsUnknownAndTraversalNames() {
    assertThat(client.load("no_such_model")).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(client.load("..")).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(client.load("../models")).isIn(ErrorCode.NOT_FOUND, ErrorCode.INVALID_ARGUMENT);
    assertThat(client.unload("no_such_model")).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(client.live()).isTrue();
  }

  private void assertRejected(Call call, ErrorCode code, String messagePart) {
    Result result = client.infer(call);
    assertThat(result.ok()).as("expected %s for %s", code, call).isFalse();
    assertThat(result.error()).as(result.message()).isEqualTo(code);
    assertThat(result.message()).contains(messagePart).doesNotContain("/tmp").doesNotContain("Exception");
  }
}
