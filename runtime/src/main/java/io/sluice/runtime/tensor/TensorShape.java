package io.sluice.runtime.tensor;

import static io.sluice.runtime.exec.InferenceException.quoted;

import io.sluice.runtime.exec.InferenceException;

/** Shape arithmetic done exactly, before anything is allocated. */
public final class TensorShape {
  /** Upper bound on the rank of any tensor the server accepts. */
  public static final int MAX_RANK = 16;

  private TensorShape() {}

  /**
   * The number of elements of {@code shape}, checked: no negative dimension, rank at most {@link #MAX_RANK},
   * and no overflow of a {@code long}.
   *
   * @param tensorName named in the error message
   * @throws InferenceException INVALID_ARGUMENT when the shape is not acceptable
   */
  public static long elementCount(String tensorName, long[] shape) {
    if (shape.length > MAX_RANK) {
      throw InferenceException.invalid(
          "input " + quoted(tensorName) + ": rank " + shape.length + " (expected: <= " + MAX_RANK + ")");
    }
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw InferenceException.invalid(
            "input " + quoted(tensorName) + ": negative dimension " + dim + " in shape " + toString(shape));
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException overflow) {
        throw InferenceException.invalid(
            "input " + quoted(tensorName) + ": shape " + toString(shape) + " has too many elements");
      }
    }
    return count;
  }

  /**
   * The number of bytes {@code elementCount} elements of {@code type} take, checked against overflow and
   * against {@link Integer#MAX_VALUE} (one buffer). Not for {@link DataType#BYTES}.
   */
  public static int byteSize(String tensorName, DataType type, long elementCount) {
    long bytes;
    try {
      bytes = Math.multiplyExact(elementCount, (long) type.byteSize());
    } catch (ArithmeticException overflow) {
      bytes = Long.MAX_VALUE;
    }
    if (bytes > Integer.MAX_VALUE) {
      throw InferenceException.invalid("input " + quoted(tensorName) + ": tensor of " + elementCount + " "
          + type.wireName() + " elements is too large");
    }
    return (int) bytes;
  }

  /** {@code [1,2,3]} without allocation-heavy formatting helpers. */
  public static String toString(long[] shape) {
    StringBuilder text = new StringBuilder(2 + shape.length * 4).append('[');
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append(shape[i]);
    }
    return text.append(']').toString();
  }
}
