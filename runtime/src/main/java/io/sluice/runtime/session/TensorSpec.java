package io.sluice.runtime.session;

import io.sluice.runtime.tensor.DataType;

/**
 * One input or output of a model's signature as clients see it.
 *
 * @param name tensor name
 * @param type protocol datatype
 * @param shape full shape including any batch dimension; -1 marks a variable dimension
 */
public record TensorSpec(String name, DataType type, long[] shape) {
  public TensorSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Dimension {@code index} without copying the shape. */
  public long dim(int index) {
    return shape[index];
  }

  public int rank() {
    return shape.length;
  }
}
