package io.sluice.gateway.grpc;

import static io.sluice.gateway.grpc.InferRequestConverterTest.input;
import static io.sluice.gateway.grpc.InferRequestConverterTest.prefixed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelConfigRequest;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferRequest.InferRequestedOutputTensor;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.proto.inference.ModelReadyRequest;
import io.sluice.proto.inference.RepositoryIndexRequest;
import io.sluice.proto.inference.RepositoryModelLoadRequest;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.proto.inference.ServerMetadataRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.testing.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The unary rpcs on the in-process transport over a real model manager. */
class InferenceGrpcServiceTest {
  @TempDir static Path repo;
  static InProcessGrpc grpc;

  @BeforeAll
  static void start() throws Exception {
    grpc = InProcessGrpc.start(repo);
  }

  @AfterAll
  static void stop() throws Exception {
    grpc.close();
  }

  @Test
  void typedFp32ContentsRunAndComeBackAsRawOutputContents() {
    ModelInferRequest request = fixedAddTyped("typed-1");

    ModelInferResponse response = grpc.blocking.modelInfer(request);

    assertThat(response.getModelName()).isEqualTo("fixed_add");
    assertThat(response.getModelVersion()).isEqualTo("1");
    assertThat(response.getId()).isEqualTo("typed-1");
    assertThat(response.getOutputsCount()).isEqualTo(1);
    assertThat(response.getOutputs(0).getName()).isEqualTo("sum");
    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(response.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
    assertThat(response.getOutputs(0).hasContents()).isFalse();
    assertThat(floats(response.getRawOutputContents(0))).containsExactly(11f, -18f, 3.5f, 0f);
  }

  @Test
  void typedInt64ContentsRun() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("scale_int64")
        .addInputs(input("x", "INT64", 2, 2).setContents(InferTensorContents.newBuilder()
            .addInt64Contents(1).addInt64Contents(-2).addInt64Contents(1L << 40).addInt64Contents(0)))
        .build();

    ModelInferResponse response = grpc.blocking.modelInfer(request);

    ByteBuffer raw = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(response.getOutputs(0).getDatatype()).isEqualTo("INT64");
    assertThat(raw.getLong()).isEqualTo(3);
    assertThat(raw.getLong()).isEqualTo(-6);
    assertThat(raw.getLong()).isEqualTo(3L << 40);
    assertThat(raw.getLong()).isZero();
  }

  @Test
  void rawInputsOfEveryDatatypeRoundTripThroughIdentity() {
    Map<String, byte[]> sent = new LinkedHashMap<>();
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("identity_all").setId("all");
    for (String suffix : TestModels.IDENTITY_TYPES.keySet()) {
      DataType type = suffix.equals("string") ? DataType.BYTES : DataType.fromWireName(suffix.toUpperCase());
      byte[] raw = type == DataType.BYTES ? prefixed("", "h\u00e9llo", "\u2713") : pattern(type, 3);
      sent.put(suffix, raw);
      request.addInputs(input("in_" + suffix, type.wireName(), 3))
          .addRawInputContents(ByteString.copyFrom(raw));
    }

    ModelInferResponse response = grpc.blocking.modelInfer(request.build());

    assertThat(response.getOutputsCount()).isEqualTo(sent.size());
    assertThat(response.getRawOutputContentsCount()).isEqualTo(sent.size());
    int i = 0;
    for (Map.Entry<String, byte[]> entry : sent.entrySet()) {
      ModelInferResponse.InferOutputTensor output = response.getOutputs(i);
      assertThat(output.getName()).isEqualTo("out_" + entry.getKey());
      assertThat(output.getDatatype()).as(entry.getKey())
          .isEqualTo(entry.getKey().equals("string") ? "BYTES" : entry.getKey().toUpperCase());
      assertThat(output.getShapeList()).as(entry.getKey()).containsExactly(3L);
      assertThat(response.getRawOutputContents(i).toByteArray()).as(entry.getKey())
          .containsExactly(entry.getValue());
      i++;
    }
  }

  @Test
  void requestedOutputsSelectAndOrderTheOutputs() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("two_outputs")
        .addInputs(input("x", "FP32", 2).setContents(InferTensorContents.newBuilder()
            .addFp32Contents(-1f).addFp32Contents(2f)))
        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("relu"))
        .build();

    ModelInferResponse response = grpc.blocking.modelInfer(request);

    assertThat(response.getOutputsCount()).isEqualTo(1);
    assertThat(response.getOutputs(0).getName()).isEqualTo("relu");
    assertThat(floats(response.getRawOutputContents(0))).containsExactly(0f, 2f);
  }

  @Test
  void rawPlusTypedIsInvalidArgumentAndTheModelDoesNotRun() {
    long before = grpc.runs("fixed_add");
    ModelInferRequest request = fixedAddTyped("mixed").toBuilder()
        .addRawInputContents(ByteString.copyFrom(new byte[16]))
        .addRawInputContents(ByteString.copyFrom(new byte[16]))
        .build();

    Status status = failure(() -> grpc.blocking.modelInfer(request));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("'a'").contains("raw_input_contents");
    assertThat(grpc.runs("fixed_add")).isEqualTo(before);
  }

  @Test
  void rawLengthNotMatchingTheShapeIsInvalidArgument() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("fixed_add")
        .addInputs(input("a", "FP32", 2, 2))
        .addInputs(input("b", "FP32", 2, 2))
        .addRawInputContents(ByteString.copyFrom(new byte[16]))
        .addRawInputContents(ByteString.copyFrom(new byte[15]))
        .build();

    Status status = failure(() -> grpc.blocking.modelInfer(request));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("'b'").contains("expected: 16 bytes");
  }

  @Test
  void signatureErrorsAreInvalidArgument() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("fixed_add")
        .addInputs(input("a", "INT64", 2, 2).setContents(InferTensorContents.newBuilder()
            .addInt64Contents(1).addInt64Contents(2).addInt64Contents(3).addInt64Contents(4)))
        .build();

    Status status = failure(() -> grpc.blocking.modelInfer(request));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("'a'");
  }

  @Test
  void unknownModelIsNotFoundAndLeaksNothing() {
    ModelInferRequest request = fixedAddTyped("x").toBuilder().setModelName("no_such_model").build();

    Status status = failure(() -> grpc.blocking.modelInfer(request));

    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).contains("no_such_model");
    assertLeaksNothing(status);
  }

  @Test
  void malformedVersionIsInvalidArgument() {
    ModelInferRequest request = fixedAddTyped("x").toBuilder().setModelVersion("v1").build();

    assertThat(failure(() -> grpc.blocking.modelInfer(request)).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void expiredDeadlineIsDeadlineExceededWithoutRunningTheModel() {
    long before = grpc.runs("fixed_add");

    Status status = failure(() -> grpc.blocking
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(InProcessGrpc.expiredDeadlineHeaders()))
        .modelInfer(fixedAddTyped("late")));

    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(grpc.runs("fixed_add")).isEqualTo(before);
    // The same request in time runs, and is counted: the assertion above could have failed.
    assertThat(grpc.blocking.withDeadlineAfter(1, TimeUnit.MINUTES).modelInfer(fixedAddTyped("on-time"))
        .getId()).isEqualTo("on-time");
    assertThat(grpc.runs("fixed_add")).isEqualTo(before + 1);
  }

  @Test
  void modelReadyIsNotFoundForUnknownAndFalseForBrokenModels() {
    assertThat(grpc.blocking.modelReady(ModelReadyRequest.newBuilder().setName("fixed_add").build()).getReady())
        .isTrue();
    assertThat(grpc.blocking.modelReady(ModelReadyRequest.newBuilder().setName("fixed_add").setVersion("1")
        .build()).getReady()).isTrue();
    assertThat(grpc.blocking.modelReady(ModelReadyRequest.newBuilder().setName("fixed_add").setVersion("2")
        .build()).getReady()).isFalse();
    assertThat(grpc.blocking.modelReady(ModelReadyRequest.newBuilder().setName("broken").build()).getReady())
        .isFalse();

    Status unknown = failure(() -> grpc.blocking.modelReady(
        ModelReadyRequest.newBuilder().setName("no_such_model").build()));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void metadataOfABrokenModelIsUnavailableWithoutNativeDetails() {
    Status status = failure(() -> grpc.blocking.modelMetadata(
        ModelMetadataRequest.newBuilder().setName("broken").build()));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertLeaksNothing(status);
  }

  @Test
  void queriesAnswerFromServerQueries() {
    assertThat(grpc.blocking.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(grpc.blocking.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getVersion())
        .isEqualTo("test-version");
    assertThat(grpc.blocking.modelMetadata(ModelMetadataRequest.newBuilder().setName("fixed_add").build())
        .getInputsCount()).isEqualTo(2);
    assertThat(grpc.blocking.modelConfig(ModelConfigRequest.newBuilder().setName("fixed_add").build())
        .getConfig().getName()).isEqualTo("fixed_add");
  }

  @Test
  void repositoryRpcsAnswerTheIndexAndRefuseLoadsOutsideExplicitMode() {
    assertThat(grpc.blocking.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList())
        .extracting(model -> model.getName()).contains("fixed_add");
    Status load = failure(() -> grpc.blocking.repositoryModelLoad(
        RepositoryModelLoadRequest.newBuilder().setModelName("fixed_add").build()));
    assertThat(load.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(load.getDescription()).contains("model control mode none");
  }

  // ---- helpers ----

  static ModelInferRequest fixedAddTyped(String id) {
    return ModelInferRequest.newBuilder().setModelName("fixed_add").setId(id)
        .addInputs(input("a", "FP32", 2, 2).setContents(InferTensorContents.newBuilder()
            .addFp32Contents(1f).addFp32Contents(2f).addFp32Contents(3f).addFp32Contents(4f)))
        .addInputs(input("b", "FP32", 2, 2).setContents(InferTensorContents.newBuilder()
            .addFp32Contents(10f).addFp32Contents(-20f).addFp32Contents(0.5f).addFp32Contents(-4f)))
        .build();
  }

  static float[] floats(ByteString raw) {
    ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(values);
    return values;
  }

  static Status failure(Executable call) {
    StatusRuntimeException thrown = catchThrowableOfType(StatusRuntimeException.class, call::execute);
    assertThat(thrown).as("expected the call to fail").isNotNull();
    return thrown.getStatus();
  }

  static void assertLeaksNothing(Status status) {
    assertThat(status.getDescription()).isNotBlank()
        .doesNotContain("Exception").doesNotContain("io.sluice").doesNotContain("ai.onnxruntime")
        .doesNotContain("\tat ").doesNotContain(repo.toString()).doesNotContain("model.onnx");
  }

  /** {@code count} elements of {@code type} with distinct, valid bit patterns. */
  private static byte[] pattern(DataType type, int count) {
    ByteBuffer buffer = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (type) {
        case BOOL -> buffer.put((byte) (i % 2));
        case FP16 -> buffer.putShort((short) (0x3C00 + i));
        case BF16 -> buffer.putShort((short) (0x3F80 + i));
        case FP32 -> buffer.putFloat(1.5f * i - 1f);
        case FP64 -> buffer.putDouble(Math.PI * i - 1e300);
        default -> {
          for (int b = 0; b < type.byteSize(); b++) {
            buffer.put((byte) (i * 37 + b * 11 + 200));
          }
        }
      }
    }
    return buffer.array();
  }
}
