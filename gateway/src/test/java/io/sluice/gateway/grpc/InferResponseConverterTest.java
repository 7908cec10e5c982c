package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferResponseConverterTest {

  @Test
  void fillsRawOutputContentsAlignedWithOutputs() {
    Tensor sum = Tensors.ofFloats("sum", new long[] {2, 2}, 1f, 2f, 3f, 4f);
    Tensor words = Tensors.ofStrings("words", new long[] {2}, new String[] {"a", "bc"});
    InferenceResponse response = new InferenceResponse("m", "7", "req-9", List.of(sum, words));

    ModelInferResponse message = InferResponseConverter.convert(response);

    assertThat(message.getModelName()).isEqualTo("m");
    assertThat(message.getModelVersion()).isEqualTo("7");
    assertThat(message.getId()).isEqualTo("req-9");
    assertThat(message.getOutputsCount()).isEqualTo(2);
    assertThat(message.getRawOutputContentsCount()).isEqualTo(2);

    ModelInferResponse.InferOutputTensor first = message.getOutputs(0);
    assertThat(first.getName()).isEqualTo("sum");
    assertThat(first.getDatatype()).isEqualTo("FP32");
    assertThat(first.getShapeList()).containsExactly(2L, 2L);
    assertThat(first.hasContents()).isFalse();
    ByteBuffer raw = message.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertThat(raw.remaining()).isEqualTo(16);
    assertThat(raw.getFloat(0)).isEqualTo(1f);
    assertThat(raw.getFloat(12)).isEqualTo(4f);

    ModelInferResponse.InferOutputTensor second = message.getOutputs(1);
    assertThat(second.getName()).isEqualTo("words");
    assertThat(second.getDatatype()).isEqualTo("BYTES");
    assertThat(second.getShapeList()).containsExactly(2L);
    assertThat(message.getRawOutputContents(1).toByteArray())
        .containsExactly(InferRequestConverterTest.prefixed("a", "bc"));
  }

  @Test
  void directBuffersAreCopiedSoLaterWritesDoNotLeak() {
    ByteBuffer direct = Tensors.allocate(4).put(new byte[] {1, 2, 3, 4});
    direct.flip();
    Tensor tensor = Tensor.of("x", DataType.UINT8, new long[] {4}, direct);

    byte[] encoded = InferResponseConverter.bytes(tensor).toByteArray();
    direct.put(0, (byte) 9);

    assertThat(encoded).containsExactly(1, 2, 3, 4);
    assertThat(InferResponseConverter.bytes(tensor).toByteArray()).containsExactly(9, 2, 3, 4);
  }

  @Test
  void heapBuffersAreWrappedOverTheirOwnRegion() {
    byte[] backing = {0, 0, 5, 6, 7, 0};
    ByteBuffer heap = ByteBuffer.wrap(backing, 2, 3);
    Tensor tensor = Tensor.of("x", DataType.INT8, new long[] {3}, heap);

    assertThat(InferResponseConverter.bytes(tensor).toByteArray()).containsExactly(5, 6, 7);
  }

  @Test
  void emptyOutputsAndScalarsAreEncoded() {
    Tensor scalar = Tensors.ofLongs("s", new long[0], 42L);
    Tensor empty = Tensors.ofFloats("e", new long[] {0, 3});
    ModelInferResponse message =
        InferResponseConverter.convert(new InferenceResponse("m", "1", "", List.of(scalar, empty)));

    assertThat(message.getOutputs(0).getShapeCount()).isZero();
    assertThat(message.getRawOutputContents(0).size()).isEqualTo(8);
    assertThat(message.getOutputs(1).getShapeList()).containsExactly(0L, 3L);
    assertThat(message.getRawOutputContents(1).isEmpty()).isTrue();
  }
}
