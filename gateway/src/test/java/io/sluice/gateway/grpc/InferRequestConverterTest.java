package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.sluice.proto.inference.InferParameter;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferRequest.InferInputTensor;
import io.sluice.proto.inference.ModelInferRequest.InferRequestedOutputTensor;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InferRequestConverterTest {

  // ---- raw_input_contents ----

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = "BYTES", mode = EnumSource.Mode.EXCLUDE)
  void rawFixedSizeDatatypesAreCopiedIntoDirectLittleEndianTensors(DataType type) {
    byte[] raw = new byte[2 * 3 * type.byteSize()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 7 + 1);
    }
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", type.wireName(), 2, 3))
        .addRawInputContents(ByteString.copyFrom(raw))
        .build();

    Tensor tensor = convert(request).inputs().get(0);

    assertThat(tensor.name()).isEqualTo("x");
    assertThat(tensor.type()).isEqualTo(type);
    assertThat(tensor.shape()).containsExactly(2, 3);
    assertThat(tensor.data().isDirect()).isTrue();
    assertThat(bytes(tensor)).containsExactly(raw);
  }

  @Test
  void rawBytesKeepTheirLengthPrefixes() {
    byte[] raw = prefixed("", "h\u00e9llo", "xyz");
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("s", "BYTES", 3))
        .addRawInputContents(ByteString.copyFrom(raw))
        .build();

    Tensor tensor = convert(request).inputs().get(0);

    assertThat(tensor.type()).isEqualTo(DataType.BYTES);
    assertThat(bytes(tensor)).containsExactly(raw);
  }

  @Test
  void rawBytesWithAPrefixPastTheEndIsRejected() {
    ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1_000_000).putInt(0);
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("s", "BYTES", 1))
        .addRawInputContents(ByteString.copyFrom(raw.array()))
        .build();

    assertInvalid(request).hasMessageContaining("'s'").hasMessageContaining("1000000");
  }

  @Test
  void rawBytesElementCountMustMatchTheShape() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("s", "BYTES", 3))
        .addRawInputContents(ByteString.copyFrom(prefixed("a", "b")))
        .build();

    assertInvalid(request).hasMessageContaining("'s'").hasMessageContaining("expected: 3");
  }

  @Test
  void rawCountMustEqualInputCount() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("a", "FP32", 1))
        .addInputs(input("b", "FP32", 1))
        .addRawInputContents(ByteString.copyFrom(new byte[4]))
        .build();

    assertInvalid(request).hasMessageContaining("1 raw_input_contents for 2 inputs");
  }

  @Test
  void rawLengthMustEqualShapeTimesDatatypeSize() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", 2, 2))
        .addRawInputContents(ByteString.copyFrom(new byte[12]))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("12 bytes")
        .hasMessageContaining("expected: 16 bytes");
  }

  @Test
  void rawAndTypedContentsInOneRequestAreRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("a", "FP32", 1))
        .addInputs(input("b", "FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
        .addRawInputContents(ByteString.copyFrom(new byte[4]))
        .addRawInputContents(ByteString.copyFrom(new byte[4]))
        .build();

    assertInvalid(request).hasMessageContaining("'b'").hasMessageContaining("raw_input_contents");
  }

  @Test
  void anEmptyContentsMessageNextToRawContentsIsIgnored() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("a", "FP32", 1).setContents(InferTensorContents.getDefaultInstance()))
        .addRawInputContents(ByteString.copyFrom(new byte[4]))
        .build();

    assertThat(convert(request).inputs()).hasSize(1);
  }

  @Test
  void rawWithAShapeWhoseByteSizeOverflowsIsRejectedBeforeAllocating() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP64", 1L << 31, 1L << 20))
        .addRawInputContents(ByteString.copyFrom(new byte[8]))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("too large");
  }

  @Test
  void negativeDimensionsAreRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", -1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("negative");
  }

  @Test
  void excessiveRankIsRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", new long[17]))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("rank 17");
  }

  @Test
  void unknownDatatypeIsRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FLOAT32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("unknown datatype 'FLOAT32'");
  }

  @Test
  void unknownDatatypeIsQuotedSafely() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP\n" + "3".repeat(200), 1))
        .build();

    assertInvalid(request).hasMessageContaining("FP?33").hasMessageContaining("...")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(120));
  }

  @Test
  void carriesModelIdOutputsAndReceiveTime() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .setModelName("m").setModelVersion("3").setId("req-1")
        .addInputs(input("x", "FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("b"))
        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("a"))
        .build();

    InferenceRequest converted = InferRequestConverter.convert(request, 12345L);

    assertThat(converted.modelName()).isEqualTo("m");
    assertThat(converted.modelVersion()).isEqualTo("3");
    assertThat(converted.id()).isEqualTo("req-1");
    assertThat(converted.outputs()).containsExactly("b", "a");
    assertThat(converted.receivedNanos()).isEqualTo(12345L);
  }

  @Test
  void emptyVersionMeansServerPicksAndNoOutputsMeansAll() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("m")
        .addInputs(input("x", "FP32", 0))
        .build();

    InferenceRequest converted = convert(request);

    assertThat(converted.modelVersion()).isEmpty();
    assertThat(converted.outputs()).isEmpty();
    assertThat(converted.inputs().get(0).byteLength()).isZero();
  }

  // ---- helpers ----

  static InferenceRequest convert(ModelInferRequest request) {
    return InferRequestConverter.convert(request, 0L);
  }

  @Test
  void theTimeoutParameterIsAQueueTimeoutInMicroseconds() {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().addInputs(input("x", "FP32", 1))
        .addRawInputContents(ByteString.copyFrom(new byte[4]));
    assertThat(convert(request.build()).timeoutNanos()).isZero();
    assertThat(convert(request.putParameters("timeout", InferParameter.newBuilder().setInt64Param(2500).build())
        .build()).timeoutNanos()).isEqualTo(2_500_000);
    assertThat(convert(request.putParameters("timeout", InferParameter.newBuilder().setUint64Param(7).build())
        .build()).timeoutNanos()).isEqualTo(7_000);
    assertThat(convert(request.putParameters("timeout", InferParameter.newBuilder()
        .setInt64Param(Long.MAX_VALUE).build()).build()).timeoutNanos()).isEqualTo(Long.MAX_VALUE);
    assertInvalid(request.putParameters("timeout", InferParameter.newBuilder().setInt64Param(-1).build()).build())
        .hasMessage("parameter 'timeout': -1 (expected: microseconds >= 0)");
    assertInvalid(request.putParameters("timeout", InferParameter.newBuilder().setDoubleParam(1.5).build())
        .build()).hasMessageContaining("parameter 'timeout' must be an int64_param");
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(ModelInferRequest request) {
    return assertThatThrownBy(() -> convert(request))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  static InferInputTensor.Builder input(String name, String datatype, long... shape) {
    InferInputTensor.Builder input = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long dim : shape) {
      input.addShape(dim);
    }
    return input;
  }

  /** The protocol's BYTES layout: 4-byte little-endian length, then the UTF-8 bytes, per element. */
  static byte[] prefixed(String... elements) {
    int total = 0;
    for (String element : elements) {
      total += 4 + element.getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    for (String element : elements) {
      byte[] bytes = element.getBytes(StandardCharsets.UTF_8);
      buffer.putInt(bytes.length).put(bytes);
    }
    return buffer.array();
  }

  static byte[] bytes(Tensor tensor) {
    ByteBuffer data = tensor.data();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    return bytes;
  }
}
