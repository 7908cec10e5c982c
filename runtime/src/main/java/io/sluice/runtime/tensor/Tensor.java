package io.sluice.runtime.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named tensor in the protocol's binary layout: little-endian, row-major elements in {@code data} (position 0,
 * limit = byte length). Decoded inputs are direct buffers, which ONNX Runtime uses without another copy; outputs
 * that ONNX Runtime allocated are the heap copy its Java API makes.
 * {@link DataType#BYTES} tensors hold each element as a 4-byte little-endian length followed by its bytes.
 *
 * <p>Immutable by contract: whoever builds a tensor hands over its buffer and does not write to it again.
 * Readers use {@link #data()}, which returns an independent view.
 */
public final class Tensor {
  private final String name;
  private final DataType type;
  private final long[] shape;
  private final ByteBuffer data;

  private Tensor(String name, DataType type, long[] shape, ByteBuffer data) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.data = data;
  }

  /**
   * A tensor over {@code data} (read from its position to its limit). The shape must already be validated
   * against the data's length, see {@link TensorShape} and {@link Tensors#checkSize}.
   */
  public static Tensor of(String name, DataType type, long[] shape, ByteBuffer data) {
    ByteBuffer view = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    return new Tensor(name, type, shape.clone(), view);
  }

  public String name() {
    return name;
  }

  public DataType type() {
    return type;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** The tensor's own shape array, for {@link OrtTensors}, which hands it to ONNX Runtime and never writes it. */
  long[] sharedShape() {
    return shape;
  }

  /**
   * The tensor's own buffer (position 0, little-endian), for {@link OrtTensors}: ONNX Runtime reads a direct
   * buffer in place without moving its position or limit.
   */
  ByteBuffer sharedData() {
    return data;
  }

  /** Rank of the tensor. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code index} of the shape. */
  public long dim(int index) {
    return shape[index];
  }

  /** An independent little-endian read view over the tensor's bytes (position 0). */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Length of the tensor's bytes. */
  public int byteLength() {
    return data.remaining();
  }

  /** The product of the shape (already validated when the tensor was built). */
  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + type.wireName() + ", " + Arrays.toString(shape) + ", "
        + data.remaining() + " bytes]";
  }
}
