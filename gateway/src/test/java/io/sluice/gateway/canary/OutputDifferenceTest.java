package io.sluice.gateway.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputDifferenceTest {

  static Tensor fp32(String name, float... values) {
    ByteBuffer data = Tensors.allocate(values.length * 4);
    for (float value : values) {
      data.putFloat(value);
    }
    data.flip();
    return Tensor.of(name, DataType.FP32, new long[] {values.length}, data);
  }

  private static Tensor fp64(String name, double... values) {
    ByteBuffer data = Tensors.allocate(values.length * 8);
    for (double value : values) {
      data.putDouble(value);
    }
    data.flip();
    return Tensor.of(name, DataType.FP64, new long[] {values.length}, data);
  }

  private static Tensor int64(String name, long... values) {
    ByteBuffer data = Tensors.allocate(values.length * 8);
    for (long value : values) {
      data.putLong(value);
    }
    data.flip();
    return Tensor.of(name, DataType.INT64, new long[] {values.length}, data);
  }

  @Test
  void meanAbsoluteDifferenceOverEveryNumericElement() {
    List<Tensor> primary = List.of(fp32("y", 1, 2, 3), int64("label", 4));
    List<Tensor> shadow = List.of(int64("label", 2), fp64("y", 1.5, 1, 3));
    // |0.5| + |1| + 0 + |2| over 4 elements
    assertThat(OutputDifference.meanAbsolute(primary, shadow)).isCloseTo(0.875, within(1e-9));
    assertThat(OutputDifference.meanAbsolute(primary, primary)).isZero();
  }

  @Test
  void nonFiniteOrIncomparableOutputsAreInfinitelyDifferent() {
    List<Tensor> primary = List.of(fp32("y", 1, 2));
    assertThat(OutputDifference.meanAbsolute(primary, List.of(fp32("y", 1, Float.NaN))))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(OutputDifference.meanAbsolute(List.of(fp32("y", Float.POSITIVE_INFINITY, 2)), primary))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(OutputDifference.meanAbsolute(primary, List.of(fp32("y", 1, 2, 3))))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(OutputDifference.meanAbsolute(primary, List.of(fp32("z", 1, 2)))).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void stringOutputsAreNotCompared() {
    List<Tensor> strings = List.of(Tensors.ofStrings("s", new long[] {1}, new String[] {"a"}));
    assertThat(OutputDifference.meanAbsolute(strings, List.of())).isNaN();
  }

  @Test
  void readsEveryNumericType() {
    ByteBuffer data = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    data.putShort(0, (short) 0x3c00);
    assertThat(OutputDifference.value(data, DataType.FP16, 0)).isEqualTo(1.0);
    data.putShort(0, (short) 0xc000);
    assertThat(OutputDifference.value(data, DataType.FP16, 0)).isEqualTo(-2.0);
    data.putShort(0, (short) 0x0001);
    assertThat(OutputDifference.value(data, DataType.FP16, 0)).isEqualTo(Math.pow(2, -24));
    data.putShort(0, (short) 0x7c00);
    assertThat(OutputDifference.value(data, DataType.FP16, 0)).isEqualTo(Double.POSITIVE_INFINITY);
    data.putShort(0, (short) 0x3f80);
    assertThat(OutputDifference.value(data, DataType.BF16, 0)).isEqualTo(1.0);
    data.put(0, (byte) 0xff);
    assertThat(OutputDifference.value(data, DataType.UINT8, 0)).isEqualTo(255);
    assertThat(OutputDifference.value(data, DataType.INT8, 0)).isEqualTo(-1);
    assertThat(OutputDifference.value(data, DataType.BOOL, 0)).isEqualTo(1);
    data.putLong(0, -1L);
    assertThat(OutputDifference.value(data, DataType.UINT64, 0)).isEqualTo(0x1p64);
    assertThat(OutputDifference.value(data, DataType.UINT32, 0)).isEqualTo(4294967295.0);
    assertThat(OutputDifference.value(data, DataType.UINT16, 0)).isEqualTo(65535);
    assertThat(OutputDifference.value(data, DataType.INT16, 0)).isEqualTo(-1);
    assertThat(OutputDifference.value(data, DataType.INT32, 0)).isEqualTo(-1);
  }
}
