package io.sluice.benchmarks.load.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor's name, datatype and shape as declared by model metadata or by {@code --input}; {@code -1} marks a
 * variable dimension.
 *
 * @param name the input name
 * @param datatype the element type
 * @param shape the dimensions, not copied: treat as immutable
 */
public record TensorSpec(String name, Datatype datatype, long[] shape) {

  /** Validates the fields. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("input name: '' (expected: non-empty)");
    }
    for (long dim : shape) {
      if (dim < -1) {
        throw new IllegalArgumentException("input '" + name + "' shape: " + Arrays.toString(shape)
            + " (expected: dimensions >= 0, or -1 for variable)");
      }
    }
  }

  /**
   * Parses {@code NAME:DATATYPE:SHAPE} such as {@code features:FP32:1x4}; the shape separator is {@code x} or
   * {@code ,}, and an empty shape means a scalar.
   *
   * @throws IllegalArgumentException with a message naming the expected form
   */
  public static TensorSpec parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("--input: '" + text + "' (expected: NAME:DATATYPE:SHAPE, e.g. features:FP32:1x4)");
    }
    long[] shape;
    if (parts[2].isBlank()) {
      shape = new long[0];
    } else {
      String[] dims = parts[2].split("[x,]", -1);
      shape = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        try {
          shape[i] = Long.parseLong(dims[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--input: '" + text + "' has dimension '" + dims[i]
              + "' (expected: integers separated by x, e.g. 1x4)");
        }
      }
    }
    return new TensorSpec(parts[0], Datatype.of(parts[1]), shape);
  }

  /** The shape with every variable ({@code -1}) dimension replaced by 1. */
  public long[] concreteShape() {
    long[] concrete = shape.clone();
    for (int i = 0; i < concrete.length; i++) {
      if (concrete[i] < 0) {
        concrete[i] = 1;
      }
    }
    return concrete;
  }

  @Override
  public String toString() {
    return name + ":" + datatype + ":" + Arrays.toString(shape);
  }
}
