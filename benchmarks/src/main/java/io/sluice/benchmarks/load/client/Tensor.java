package io.sluice.benchmarks.load.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * One request input ready for the wire.
 *
 * @param name the input name
 * @param datatype the element type
 * @param shape the concrete dimensions, not copied: treat as immutable
 * @param data the elements, little-endian and row-major; for {@link Datatype#BYTES} each element is a 4-byte
 *     little-endian length followed by its bytes. Not copied: treat as immutable.
 */
public record Tensor(String name, Datatype datatype, long[] shape, byte[] data) {

  /** Validates that fixed-size data matches the shape. */
  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    if (datatype.elementSize() > 0 && data.length != elementCount(shape) * datatype.elementSize()) {
      throw new IllegalArgumentException("input '" + name + "': " + data.length + " bytes for shape "
          + Arrays.toString(shape) + " (expected: " + elementCount(shape) * datatype.elementSize() + ")");
    }
  }

  /** The number of elements of a shape (1 for a scalar). */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** The number of elements. */
  public long elementCount() {
    return elementCount(shape);
  }
}
