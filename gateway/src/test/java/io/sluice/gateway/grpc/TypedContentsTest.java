package io.sluice.gateway.grpc;

import static io.sluice.gateway.grpc.InferRequestConverterTest.assertInvalid;
import static io.sluice.gateway.grpc.InferRequestConverterTest.bytes;
import static io.sluice.gateway.grpc.InferRequestConverterTest.convert;
import static io.sluice.gateway.grpc.InferRequestConverterTest.input;
import static io.sluice.gateway.grpc.InferRequestConverterTest.prefixed;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Typed {@code contents} through {@link InferRequestConverter}: one field per datatype, ranges, counts. */
class TypedContentsTest {

  @Test
  void typedBoolUsesBoolContents() {
    Tensor tensor = typed("BOOL", InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)
        .addBoolContents(true), 3);
    assertThat(bytes(tensor)).containsExactly(1, 0, 1);
  }

  @Test
  void typedInt8Int16Int32UseIntContents() {
    InferTensorContents.Builder int8 = InferTensorContents.newBuilder().addIntContents(-128).addIntContents(127);
    assertThat(bytes(typed("INT8", int8, 2))).containsExactly(0x80, 0x7F);

    InferTensorContents.Builder int16 = InferTensorContents.newBuilder().addIntContents(-32768)
        .addIntContents(258);
    assertThat(bytes(typed("INT16", int16, 2))).containsExactly(0x00, 0x80, 0x02, 0x01);

    InferTensorContents.Builder int32 = InferTensorContents.newBuilder().addIntContents(Integer.MIN_VALUE)
        .addIntContents(0x01020304);
    ByteBuffer data = typed("INT32", int32, 2).data();
    assertThat(data.getInt()).isEqualTo(Integer.MIN_VALUE);
    assertThat(data.getInt()).isEqualTo(0x01020304);
    assertThat(bytes(typed("INT32", int32, 2))).startsWith(0, 0, 0, 0x80, 4, 3, 2, 1);
  }

  @Test
  void typedInt64UsesInt64Contents() {
    ByteBuffer data = typed("INT64", InferTensorContents.newBuilder().addInt64Contents(Long.MIN_VALUE)
        .addInt64Contents(42), 2).data();
    assertThat(data.getLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(data.getLong()).isEqualTo(42);
  }

  @Test
  void typedUnsignedTypesUseUintContents() {
    InferTensorContents.Builder uint8 = InferTensorContents.newBuilder().addUintContents(0).addUintContents(255);
    assertThat(bytes(typed("UINT8", uint8, 2))).containsExactly(0, 0xFF);

    InferTensorContents.Builder uint16 = InferTensorContents.newBuilder().addUintContents(65535)
        .addUintContents(1);
    assertThat(bytes(typed("UINT16", uint16, 2))).containsExactly(0xFF, 0xFF, 1, 0);

    InferTensorContents.Builder uint32 = InferTensorContents.newBuilder().addUintContents(0xFFFFFFFF);
    assertThat(bytes(typed("UINT32", uint32, 1))).containsExactly(0xFF, 0xFF, 0xFF, 0xFF);
  }

  @Test
  void typedUint64UsesUint64Contents() {
    ByteBuffer data = typed("UINT64", InferTensorContents.newBuilder().addUint64Contents(-1L), 1).data();
    assertThat(data.getLong()).isEqualTo(-1L);
    assertThat(data.remaining()).isZero();
  }

  @Test
  void typedFloatsUseFp32AndFp64Contents() {
    ByteBuffer fp32 = typed("FP32", InferTensorContents.newBuilder().addFp32Contents(1.5f)
        .addFp32Contents(Float.NaN), 2).data();
    assertThat(fp32.getFloat()).isEqualTo(1.5f);
    assertThat(fp32.getFloat()).isNaN();

    ByteBuffer fp64 = typed("FP64", InferTensorContents.newBuilder().addFp64Contents(-1e300), 1).data();
    assertThat(fp64.getDouble()).isEqualTo(-1e300);
    assertThat(fp64.remaining()).isZero();
  }

  @Test
  void typedBytesGetTheLengthPrefixOfTheTensorLayout() {
    Tensor tensor = typed("BYTES", InferTensorContents.newBuilder()
        .addBytesContents(ByteString.copyFromUtf8("h\u00e9llo"))
        .addBytesContents(ByteString.EMPTY), 2);
    assertThat(tensor.type()).isEqualTo(DataType.BYTES);
    assertThat(bytes(tensor)).containsExactly(prefixed("h\u00e9llo", ""));
  }

  @Test
  void typedTensorsAreDirect() {
    Tensor tensor = typed("FP32", InferTensorContents.newBuilder().addFp32Contents(1f), 1);
    assertThat(tensor.data().isDirect()).isTrue();
  }

  @Test
  void typedHalfPrecisionIsRawOnly() {
    for (String type : new String[] {"FP16", "BF16"}) {
      ModelInferRequest request = ModelInferRequest.newBuilder()
          .addInputs(input("h", type, 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
          .build();
      assertInvalid(request).hasMessageContaining("'h'").hasMessageContaining(type)
          .hasMessageContaining("raw_input_contents only");
    }
  }

  @Test
  void typedCountMustEqualTheShapeProduct() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", 2, 2).setContents(InferTensorContents.newBuilder()
            .addFp32Contents(1f).addFp32Contents(2f).addFp32Contents(3f)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("3 values in fp32_contents")
        .hasMessageContaining("expected: 4");
  }

  @Test
  void typedContentsInTheWrongFieldAreRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", 1).setContents(InferTensorContents.newBuilder().addIntContents(1)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("expects fp32_contents")
        .hasMessageContaining("int_contents");
  }

  @Test
  void typedContentsInTwoFieldsAreRejected() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "INT64", 1).setContents(InferTensorContents.newBuilder().addInt64Contents(1)
            .addFp64Contents(1.0)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("fp64_contents");
  }

  @Test
  void typedIntegersOutOfRangeAreRejected() {
    assertOutOfRange("INT8", InferTensorContents.newBuilder().addIntContents(0).addIntContents(300),
        "int_contents[1] = 300", "-128..127");
    assertOutOfRange("INT8", InferTensorContents.newBuilder().addIntContents(-129), "= -129", "-128..127");
    assertOutOfRange("INT16", InferTensorContents.newBuilder().addIntContents(-40000), "= -40000",
        "-32768..32767");
    assertOutOfRange("UINT8", InferTensorContents.newBuilder().addUintContents(256), "uint_contents[0] = 256",
        "0..255");
    assertOutOfRange("UINT16", InferTensorContents.newBuilder().addUintContents(70000), "= 70000", "0..65535");
    // uint32 travels as a Java int: -1 is 4294967295 on the wire, which does not fit UINT8.
    assertOutOfRange("UINT8", InferTensorContents.newBuilder().addUintContents(-1), "= 4294967295", "0..255");
  }

  @Test
  void typedOverflowingShapeIsRejectedBeforeAllocating() {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("x", "FP32", 1L << 40, 1L << 40).setContents(
            InferTensorContents.newBuilder().addFp32Contents(1f)))
        .build();

    assertInvalid(request).hasMessageContaining("'x'").hasMessageContaining("too many elements");
  }

  // ---- helpers ----

  private static void assertOutOfRange(String type, InferTensorContents.Builder contents, String value,
      String range) {
    InferTensorContents built = contents.build();
    int count = built.getIntContentsCount() + built.getUintContentsCount();
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("n", type, count).setContents(built))
        .build();
    assertInvalid(request).hasMessageContaining("'n'").hasMessageContaining(value)
        .hasMessageContaining(type).hasMessageContaining(range);
  }

  private static Tensor typed(String type, InferTensorContents.Builder contents, long... shape) {
    ModelInferRequest request = ModelInferRequest.newBuilder()
        .addInputs(input("t", type, shape).setContents(contents))
        .build();
    Tensor tensor = convert(request).inputs().get(0);
    assertThat(tensor.type().wireName()).isEqualTo(type);
    assertThat(tensor.shape()).containsExactly(shape);
    return tensor;
  }
}
