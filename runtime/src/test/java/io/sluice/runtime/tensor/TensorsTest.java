package io.sluice.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorsTest {

  @Test
  void rawBytesMustMatchShapeTimesElementSize() {
    ByteBuffer eightBytes = ByteBuffer.allocate(8);
    assertThat(Tensors.fromRaw("x", DataType.FP32, new long[] {2}, eightBytes).byteLength()).isEqualTo(8);
    assertThatThrownBy(() -> Tensors.fromRaw("x", DataType.FP32, new long[] {3}, eightBytes))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("input 'x'")
        .hasMessageContaining("expected: 12 bytes");
  }

  @Test
  void heapBuffersAreCopiedToDirectLittleEndian() {
    ByteBuffer heap = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1.5f);
    Tensor tensor = Tensors.fromRaw("x", DataType.FP32, new long[] {1}, heap);
    assertThat(tensor.data().isDirect()).isTrue();
    assertThat(Tensors.toFloats(tensor)).containsExactly(1.5f);
  }

  @Test
  void negativeAndOverflowingShapesAreRejectedBeforeAllocation() {
    assertThatThrownBy(() -> TensorShape.elementCount("x", new long[] {2, -1}))
        .hasMessageContaining("negative dimension -1");
    assertThatThrownBy(() -> TensorShape.elementCount("x", new long[] {1L << 32, 1L << 32}))
        .hasMessageContaining("too many elements");
    assertThatThrownBy(() -> TensorShape.byteSize("x", DataType.FP64, 1L << 29))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> TensorShape.elementCount("x", new long[17]))
        .hasMessageContaining("rank 17");
  }

  @Test
  void bytesElementsRoundTripWithLengthPrefixes() {
    Tensor tensor = Tensors.ofStrings("s", new long[] {3}, new String[] {"a", "", "héllo"});
    assertThat(tensor.byteLength()).isEqualTo(4 + 1 + 4 + 0 + 4 + 6);
    assertThat(Tensors.toStrings(tensor)).containsExactly("a", "", "héllo");
    Tensor again = Tensors.fromRaw("s", DataType.BYTES, new long[] {3}, tensor.data());
    assertThat(Tensors.toStrings(again)).containsExactly("a", "", "héllo");
  }

  @Test
  void bytesLengthPrefixBeyondTheBufferIsRejected() {
    ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1_000_000);
    assertThatThrownBy(() -> Tensors.fromRaw("s", DataType.BYTES, new long[] {1}, raw))
        .isInstanceOf(InferenceException.class)
        .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("declares 1000000 bytes");
    ByteBuffer truncated = ByteBuffer.allocate(2);
    assertThatThrownBy(() -> Tensors.fromRaw("s", DataType.BYTES, new long[] {1}, truncated))
        .hasMessageContaining("truncated");
  }

  @Test
  void bytesElementCountMustMatchShape() {
    Tensor two = Tensors.ofStrings("s", new long[] {2}, new String[] {"a", "b"});
    assertThatThrownBy(() -> Tensors.fromRaw("s", DataType.BYTES, new long[] {3}, two.data()))
        .hasMessageContaining("2 BYTES elements")
        .hasMessageContaining("expected: 3");
  }

  @Test
  void dataTypesMapBetweenWireConfigAndOnnxNames() {
    for (DataType type : DataType.values()) {
      assertThat(DataType.fromWireName(type.wireName())).isEqualTo(type);
      assertThat(DataType.fromConfigName(type.configName())).isEqualTo(type);
      assertThat(DataType.fromOnnx(type.onnxType())).isEqualTo(type);
    }
    assertThat(DataType.fromWireName("FLOAT32")).isNull();
    assertThat(DataType.BYTES.configName()).isEqualTo("TYPE_STRING");
  }
}
