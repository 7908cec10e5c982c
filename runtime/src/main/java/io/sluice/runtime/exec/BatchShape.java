package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * What requests must share to join one batch: the same input names, each with the same datatype, rank and
 * dimensions after the first (the batch dimension), whatever the order of the inputs. Computed once per
 * request when it is admitted; the scheduler keeps one canonical instance per shape it has seen, so
 * comparing the shapes of two queued requests is usually a reference comparison. Immutable.
 */
final class BatchShape {
  private final String[] names;
  private final DataType[] types;
  private final long[][] innerDims;
  private final int hash;

  private BatchShape(String[] names, DataType[] types, long[][] innerDims) {
    this.names = names;
    this.types = types;
    this.innerDims = innerDims;
    int h = Arrays.hashCode(names);
    h = 31 * h + Arrays.hashCode(types);
    h = 31 * h + Arrays.deepHashCode(innerDims);
    this.hash = h;
  }

  /** The shape of {@code request}'s inputs, sorted by name. */
  static BatchShape of(InferenceRequest request) {
    List<Tensor> inputs = request.inputs();
    Tensor[] sorted = inputs.toArray(new Tensor[0]);
    if (sorted.length > 1) {
      Arrays.sort(sorted, (a, b) -> a.name().compareTo(b.name()));
    }
    String[] names = new String[sorted.length];
    DataType[] types = new DataType[sorted.length];
    long[][] innerDims = new long[sorted.length][];
    for (int i = 0; i < sorted.length; i++) {
      Tensor input = sorted[i];
      names[i] = input.name();
      types[i] = input.type();
      long[] dims = new long[Math.max(0, input.rank() - 1)];
      for (int d = 1; d < input.rank(); d++) {
        dims[d - 1] = input.dim(d);
      }
      innerDims[i] = dims;
    }
    return new BatchShape(names, types, innerDims);
  }

  /** Whether {@code request} has this shape; allocates nothing (the common case: a request like the last one). */
  boolean matches(InferenceRequest request) {
    List<Tensor> inputs = request.inputs();
    if (inputs.size() != names.length) {
      return false;
    }
    for (Tensor input : inputs) {
      int i = indexOf(input.name());
      if (i < 0 || types[i] != input.type() || innerDims[i].length != input.rank() - 1) {
        return false;
      }
      long[] dims = innerDims[i];
      for (int d = 0; d < dims.length; d++) {
        if (dims[d] != input.dim(d + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether requests of this shape and of {@code other} can join one batch. */
  boolean joins(BatchShape other) {
    return this == other || equals(other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchShape other && hash == other.hash && Arrays.equals(names, other.names)
        && Arrays.equals(types, other.types) && Arrays.deepEquals(innerDims, other.innerDims);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
