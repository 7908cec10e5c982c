package io.sluice.runtime.tensor;

import static io.sluice.runtime.exec.InferenceException.quoted;

import io.sluice.runtime.exec.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds {@link Tensor}s from wire bytes with every size checked before anything is allocated, and converts
 * the protocol's length-prefixed BYTES layout.
 */
public final class Tensors {
  private Tensors() {}

  /** A zeroed direct little-endian buffer of {@code bytes} bytes. */
  public static ByteBuffer allocate(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * A tensor over the raw little-endian bytes {@code raw} (position to limit), after checking that the byte
   * length matches the shape and datatype (and, for BYTES, that every length prefix fits). Heap buffers are
   * copied once into a direct buffer; direct buffers are used as they are.
   *
   * @throws InferenceException INVALID_ARGUMENT naming the input and what was expected
   */
  public static Tensor fromRaw(String name, DataType type, long[] shape, ByteBuffer raw) {
    checkSize(name, type, shape, raw);
    ByteBuffer direct = raw;
    if (!raw.isDirect()) {
      direct = allocate(raw.remaining());
      direct.put(raw.duplicate()).flip();
    }
    return Tensor.of(name, type, shape, direct);
  }

  /**
   * Checks that {@code raw} holds exactly the elements {@code shape} declares.
   *
   * @throws InferenceException INVALID_ARGUMENT naming the input and what was expected
   */
  public static void checkSize(String name, DataType type, long[] shape, ByteBuffer raw) {
    long elements = TensorShape.elementCount(name, shape);
    if (type == DataType.BYTES) {
      long found = countBytesElements(name, raw);
      if (found != elements) {
        throw InferenceException.invalid("input " + quoted(name) + ": " + found + " BYTES elements for shape "
            + TensorShape.toString(shape) + " (expected: " + elements + ")");
      }
      return;
    }
    int expected = TensorShape.byteSize(name, type, elements);
    if (raw.remaining() != expected) {
      throw InferenceException.invalid("input " + quoted(name) + ": " + raw.remaining() + " bytes for shape "
          + TensorShape.toString(shape) + " of " + type.wireName() + " (expected: " + expected + " bytes)");
    }
  }

  /** Counts length-prefixed elements, rejecting a prefix that points past the end of the buffer. */
  private static long countBytesElements(String name, ByteBuffer raw) {
    ByteBuffer view = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long count = 0;
    while (view.hasRemaining()) {
      if (view.remaining() < 4) {
        throw InferenceException.invalid("input " + quoted(name) + ": truncated BYTES length prefix");
      }
      long length = Integer.toUnsignedLong(view.getInt());
      if (length > view.remaining()) {
        throw InferenceException.invalid("input " + quoted(name) + ": BYTES element " + count + " declares "
            + length + " bytes but only " + view.remaining() + " remain");
      }
      view.position(view.position() + (int) length);
      count++;
    }
    return count;
  }

  /** The elements of a BYTES tensor, each decoded as UTF-8 (ONNX Runtime's string tensors are UTF-8). */
  public static String[] toStrings(Tensor tensor) {
    ByteBuffer view = tensor.data();
    String[] strings = new String[Math.toIntExact(tensor.elementCount())];
    for (int i = 0; i < strings.length; i++) {
      int length = view.getInt();
      byte[] bytes = new byte[length];
      view.get(bytes);
      strings[i] = new String(bytes, StandardCharsets.UTF_8);
    }
    return strings;
  }

  /** The elements of a BYTES tensor as byte arrays. */
  public static byte[][] toByteArrays(Tensor tensor) {
    ByteBuffer view = tensor.data();
    byte[][] elements = new byte[Math.toIntExact(tensor.elementCount())][];
    for (int i = 0; i < elements.length; i++) {
      byte[] bytes = new byte[view.getInt()];
      view.get(bytes);
      elements[i] = bytes;
    }
    return elements;
  }

  /** A BYTES tensor holding {@code elements} in the length-prefixed layout. */
  public static Tensor ofByteArrays(String name, long[] shape, byte[][] elements) {
    long total = 0;
    for (byte[] element : elements) {
      total += 4L + element.length;
    }
    if (total > Integer.MAX_VALUE) {
      throw InferenceException.invalid("tensor '" + name + "': BYTES tensor is too large");
    }
    ByteBuffer data = allocate((int) total);
    for (byte[] element : elements) {
      data.putInt(element.length).put(element);
    }
    data.flip();
    long expected = TensorShape.elementCount(name, shape);
    if (expected != elements.length) {
      throw InferenceException.invalid("tensor '" + name + "': " + elements.length
          + " BYTES elements for shape " + TensorShape.toString(shape) + " (expected: " + expected + ")");
    }
    return Tensor.of(name, DataType.BYTES, shape, data);
  }

  /** A BYTES tensor holding the UTF-8 encoding of {@code strings}. */
  public static Tensor ofStrings(String name, long[] shape, String[] strings) {
    byte[][] elements = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      elements[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
    return ofByteArrays(name, shape, elements);
  }

  /** An FP32 tensor holding {@code values}; for tests, samples and warm-up. */
  public static Tensor ofFloats(String name, long[] shape, float... values) {
    ByteBuffer data = allocate(values.length * 4);
    for (float value : values) {
      data.putFloat(value);
    }
    data.flip();
    return fromRaw(name, DataType.FP32, shape, data);
  }

  /** An INT64 tensor holding {@code values}; for tests, samples and warm-up. */
  public static Tensor ofLongs(String name, long[] shape, long... values) {
    ByteBuffer data = allocate(values.length * 8);
    for (long value : values) {
      data.putLong(value);
    }
    data.flip();
    return fromRaw(name, DataType.INT64, shape, data);
  }

  /** The elements of an FP32 tensor. */
  public static float[] toFloats(Tensor tensor) {
    ByteBuffer view = tensor.data();
    float[] values = new float[view.remaining() / 4];
    view.asFloatBuffer().get(values);
    return values;
  }

  /** The elements of an INT64 tensor. */
  public static long[] toLongs(Tensor tensor) {
    ByteBuffer view = tensor.data();
    long[] values = new long[view.remaining() / 8];
    view.asLongBuffer().get(values);
    return values;
  }
}
