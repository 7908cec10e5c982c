package io.sluice.gateway.drift;

import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.nio.ByteBuffer;

/** {@link InputValues} over a {@link Tensor}'s little-endian bytes; reads in place, BYTES offsets indexed once. */
final class TensorValues implements InputValues {
  private final Tensor tensor;
  private final ByteBuffer data;
  private final DataType type;
  private final int count;
  private int[] offsets;

  TensorValues(Tensor tensor) {
    this.tensor = tensor;
    this.data = tensor.data();
    this.type = tensor.type();
    this.count = Math.toIntExact(tensor.elementCount());
  }

  @Override
  public String name() {
    return tensor.name();
  }

  @Override
  public boolean isBytes() {
    return type == DataType.BYTES;
  }

  @Override
  public int rank() {
    return tensor.rank();
  }

  @Override
  public long dim(int axis) {
    return tensor.dim(axis);
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public double number(int index) {
    return number(data, type, index);
  }

  @Override
  public String category(int index) {
    if (offsets == null) {
      offsets = offsets(data, count);
    }
    int offset = offsets[index];
    int length = data.getInt(offset);
    if (length > Categories.MAX_STRING_BYTES) {
      return Categories.ofLength(length);
    }
    byte[] bytes = new byte[length];
    data.get(offset + 4, bytes);
    return Categories.ofBytes(bytes, 0, length);
  }

  /** The offset of each element's length prefix in a BYTES tensor's buffer. */
  static int[] offsets(ByteBuffer data, int count) {
    int[] offsets = new int[count];
    int position = 0;
    for (int i = 0; i < count; i++) {
      offsets[i] = position;
      position += 4 + data.getInt(position);
    }
    return offsets;
  }

  /** Element {@code index} of a numeric tensor of {@code type}, read at its absolute position. */
  static double number(ByteBuffer data, DataType type, int index) {
    switch (type) {
      case BOOL:
        return data.get(index) != 0 ? 1 : 0;
      case UINT8:
        return data.get(index) & 0xFF;
      case INT8:
        return data.get(index);
      case UINT16:
        return data.getChar(index * 2);
      case INT16:
        return data.getShort(index * 2);
      case UINT32:
        return Integer.toUnsignedLong(data.getInt(index * 4));
      case INT32:
        return data.getInt(index * 4);
      case UINT64:
        return unsignedToDouble(data.getLong(index * 8));
      case INT64:
        return data.getLong(index * 8);
      case FP16:
        return halfToFloat(data.getShort(index * 2));
      case BF16:
        return Float.intBitsToFloat((data.getShort(index * 2) & 0xFFFF) << 16);
      case FP32:
        return data.getFloat(index * 4);
      case FP64:
        return data.getDouble(index * 8);
      default:
        throw new IllegalArgumentException("not a numeric datatype: " + type.wireName());
    }
  }

  /** An unsigned 64-bit integer as the nearest double. */
  static double unsignedToDouble(long value) {
    if (value >= 0) {
      return value;
    }
    // halve (keeping the low bit so rounding stays correct), convert, double
    return ((value >>> 1) | (value & 1)) * 2.0;
  }

  /** IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short bits) {
    int half = bits & 0xFFFF;
    int sign = (half >>> 15) << 31;
    int exponent = (half >>> 10) & 0x1F;
    int mantissa = half & 0x3FF;
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign == 0 ? subnormal : -subnormal;
    }
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
