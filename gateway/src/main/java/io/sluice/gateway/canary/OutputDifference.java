package io.sluice.gateway.canary;

import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * How far a shadow version's answer is from the primary's: the mean absolute difference over every element
 * of every numeric output the primary returned, each read as a double (booleans as 0 and 1, FP16 and BF16
 * widened). {@code BYTES} outputs are not compared.
 *
 * <p>Results: NaN when the primary returned no numeric output (nothing to compare);
 * {@link Double#POSITIVE_INFINITY} when an output is missing from the shadow's answer, has another element
 * count, or either side holds a NaN or infinite value, so the output-difference gate fails on it. Stateless.
 */
final class OutputDifference {
  private OutputDifference() {}

  /** The mean absolute difference between {@code shadow}'s outputs and {@code primary}'s (see above). */
  static double meanAbsolute(List<Tensor> primary, List<Tensor> shadow) {
    double sum = 0;
    long count = 0;
    for (Tensor expected : primary) {
      if (expected.type() == DataType.BYTES) {
        continue;
      }
      Tensor actual = find(shadow, expected.name());
      long elements = expected.elementCount();
      if (actual == null || actual.type() == DataType.BYTES || actual.elementCount() != elements) {
        return Double.POSITIVE_INFINITY;
      }
      ByteBuffer a = expected.data();
      ByteBuffer b = actual.data();
      for (int i = 0; i < elements; i++) {
        double x = value(a, expected.type(), i);
        double y = value(b, actual.type(), i);
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
          return Double.POSITIVE_INFINITY;
        }
        sum += Math.abs(x - y);
      }
      count += elements;
    }
    if (count == 0) {
      return Double.NaN;
    }
    double mean = sum / count;
    return Double.isFinite(mean) ? mean : Double.POSITIVE_INFINITY;
  }

  /** Whether any element of a floating-point output in {@code outputs} is NaN or infinite. */
  static boolean nonFinite(List<Tensor> outputs) {
    for (Tensor output : outputs) {
      DataType type = output.type();
      if (type != DataType.FP32 && type != DataType.FP64 && type != DataType.FP16 && type != DataType.BF16) {
        continue;
      }
      ByteBuffer data = output.data();
      long elements = output.elementCount();
      for (int i = 0; i < elements; i++) {
        if (!Double.isFinite(value(data, type, i))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Tensor find(List<Tensor> tensors, String name) {
    for (Tensor tensor : tensors) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    return null;
  }

  /** Element {@code index} of a little-endian buffer of {@code type}, as a double. */
  static double value(ByteBuffer data, DataType type, int index) {
    switch (type) {
      case BOOL:
        return data.get(index) == 0 ? 0 : 1;
      case UINT8:
        return data.get(index) & 0xff;
      case INT8:
        return data.get(index);
      case UINT16:
        return data.getShort(index * 2) & 0xffff;
      case INT16:
        return data.getShort(index * 2);
      case UINT32:
        return data.getInt(index * 4) & 0xffffffffL;
      case INT32:
        return data.getInt(index * 4);
      case UINT64: {
        long bits = data.getLong(index * 8);
        return bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
      }
      case INT64:
        return data.getLong(index * 8);
      case FP16:
        return halfToFloat(data.getShort(index * 2));
      case BF16:
        return Float.intBitsToFloat((data.getShort(index * 2) & 0xffff) << 16);
      case FP32:
        return data.getFloat(index * 4);
      case FP64:
        return data.getDouble(index * 8);
      default:
        throw new IllegalArgumentException("type: " + type + " (expected: a numeric type)");
    }
  }

  /** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: mantissa * 2^-24
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
