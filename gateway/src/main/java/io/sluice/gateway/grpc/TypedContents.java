package io.sluice.gateway.grpc;

import static io.sluice.runtime.exec.InferenceException.quoted;

import com.google.protobuf.ByteString;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;

/**
 * Typed {@code InferTensorContents} to tensor bytes. Each datatype reads exactly one field (BOOL:
 * {@code bool_contents}; INT8/16/32: {@code int_contents}; INT64: {@code int64_contents}; UINT8/16/32:
 * {@code uint_contents}; UINT64: {@code uint64_contents}; FP32: {@code fp32_contents}; FP64:
 * {@code fp64_contents}; BYTES: {@code bytes_contents}, without length prefixes) and every other field must
 * be empty. Narrow integer types are range-checked. FP16 and BF16 have no typed field: raw only.
 *
 * <p>Stateless and thread-safe; reads repeated fields through their primitive getters (no boxing).
 */
final class TypedContents {
  private static final int BOOL = 0;
  private static final int INT = 1;
  private static final int INT64 = 2;
  private static final int UINT = 3;
  private static final int UINT64 = 4;
  private static final int FP32 = 5;
  private static final int FP64 = 6;
  private static final int BYTES = 7;
  private static final int FIELDS = 8;
  private static final String[] FIELD_NAMES = {
    "bool_contents", "int_contents", "int64_contents", "uint_contents", "uint64_contents", "fp32_contents",
    "fp64_contents", "bytes_contents"
  };

  private TypedContents() {}

  /** Whether {@code contents} holds no element in any field. */
  static boolean isEmpty(InferTensorContents contents) {
    for (int field = 0; field < FIELDS; field++) {
      if (count(contents, field) > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The tensor {@code contents} describes for an input of {@code type} and {@code shape}.
   *
   * @throws InferenceException INVALID_ARGUMENT naming the input: wrong field, count not equal to the shape
   *     product, value out of range, FP16/BF16, or a shape that is negative or overflows
   */
  static Tensor toTensor(String name, DataType type, long[] shape, InferTensorContents contents) {
    int field = fieldOf(name, type);
    for (int other = 0; other < FIELDS; other++) {
      if (other != field && count(contents, other) > 0) {
        throw InferenceException.invalid("input " + quoted(name) + ": datatype " + type.wireName() + " expects "
            + FIELD_NAMES[field] + " but got " + FIELD_NAMES[other]);
      }
    }
    long elements = TensorShape.elementCount(name, shape);
    int count = count(contents, field);
    if (count != elements) {
      throw InferenceException.invalid("input " + quoted(name) + ": " + count + " values in " + FIELD_NAMES[field]
          + " for shape " + TensorShape.toString(shape) + " (expected: " + elements + ")");
    }
    if (type == DataType.BYTES) {
      return bytesTensor(name, shape, contents, count);
    }
    ByteBuffer data = Tensors.allocate(TensorShape.byteSize(name, type, elements));
    write(name, type, contents, count, data);
    data.flip();
    return Tensor.of(name, type, shape, data);
  }

  private static void write(String name, DataType type, InferTensorContents contents, int count,
      ByteBuffer data) {
    switch (type) {
      case BOOL:
        for (int i = 0; i < count; i++) {
          data.put(contents.getBoolContents(i) ? (byte) 1 : (byte) 0);
        }
        break;
      case INT8:
        for (int i = 0; i < count; i++) {
          data.put((byte) signed(name, type, contents.getIntContents(i), i, Byte.MIN_VALUE, Byte.MAX_VALUE));
        }
        break;
      case INT16:
        for (int i = 0; i < count; i++) {
          data.putShort(
              (short) signed(name, type, contents.getIntContents(i), i, Short.MIN_VALUE, Short.MAX_VALUE));
        }
        break;
      case INT32:
        for (int i = 0; i < count; i++) {
          data.putInt(contents.getIntContents(i));
        }
        break;
      case INT64:
        for (int i = 0; i < count; i++) {
          data.putLong(contents.getInt64Contents(i));
        }
        break;
      case UINT8:
        for (int i = 0; i < count; i++) {
          data.put((byte) unsigned(name, type, contents.getUintContents(i), i, 0xFF));
        }
        break;
      case UINT16:
        for (int i = 0; i < count; i++) {
          data.putShort((short) unsigned(name, type, contents.getUintContents(i), i, 0xFFFF));
        }
        break;
      case UINT32:
        for (int i = 0; i < count; i++) {
          data.putInt(contents.getUintContents(i));
        }
        break;
      case UINT64:
        for (int i = 0; i < count; i++) {
          data.putLong(contents.getUint64Contents(i));
        }
        break;
      case FP32:
        for (int i = 0; i < count; i++) {
          data.putFloat(contents.getFp32Contents(i));
        }
        break;
      case FP64:
        for (int i = 0; i < count; i++) {
          data.putDouble(contents.getFp64Contents(i));
        }
        break;
      default:
        throw InferenceException.internal("no typed contents for " + type.wireName());
    }
  }

  /** BYTES elements get the 4-byte little-endian length prefix of the tensor layout. */
  private static Tensor bytesTensor(String name, long[] shape, InferTensorContents contents, int count) {
    long total = 0;
    for (int i = 0; i < count; i++) {
      total += 4L + contents.getBytesContents(i).size();
    }
    if (total > Integer.MAX_VALUE) {
      throw InferenceException.invalid("input " + quoted(name) + ": BYTES tensor of " + total + " bytes is too large");
    }
    ByteBuffer data = Tensors.allocate((int) total);
    for (int i = 0; i < count; i++) {
      ByteString element = contents.getBytesContents(i);
      data.putInt(element.size());
      element.copyTo(data);
    }
    data.flip();
    return Tensor.of(name, DataType.BYTES, shape, data);
  }

  private static int signed(String name, DataType type, int value, int index, int min, int max) {
    if (value < min || value > max) {
      throw InferenceException.invalid("input " + quoted(name) + ": int_contents[" + index + "] = " + value
          + " is out of range for " + type.wireName() + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }

  private static int unsigned(String name, DataType type, int value, int index, int max) {
    if (Integer.compareUnsigned(value, max) > 0) {
      throw InferenceException.invalid("input " + quoted(name) + ": uint_contents[" + index + "] = "
          + Integer.toUnsignedString(value) + " is out of range for " + type.wireName() + " (expected: 0.."
          + max + ")");
    }
    return value;
  }

  private static int fieldOf(String name, DataType type) {
    switch (type) {
      case BOOL:
        return BOOL;
      case INT8:
      case INT16:
      case INT32:
        return INT;
      case INT64:
        return INT64;
      case UINT8:
      case UINT16:
      case UINT32:
        return UINT;
      case UINT64:
        return UINT64;
      case FP32:
        return FP32;
      case FP64:
        return FP64;
      case BYTES:
        return BYTES;
      case FP16:
      case BF16:
      default:
        throw InferenceException.invalid("input " + quoted(name) + ": " + type.wireName()
            + " has no typed contents field (expected: raw_input_contents only)");
    }
  }

  private static int count(InferTensorContents contents, int field) {
    switch (field) {
      case BOOL:
        return contents.getBoolContentsCount();
      case INT:
        return contents.getIntContentsCount();
      case INT64:
        return contents.getInt64ContentsCount();
      case UINT:
        return contents.getUintContentsCount();
      case UINT64:
        return contents.getUint64ContentsCount();
      case FP32:
        return contents.getFp32ContentsCount();
      case FP64:
        return contents.getFp64ContentsCount();
      case BYTES:
        return contents.getBytesContentsCount();
      default:
        throw new IllegalArgumentException("field: " + field);
    }
  }
}
