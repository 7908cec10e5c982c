package io.sluice.gateway.http;

import static io.sluice.runtime.exec.InferenceException.quoted;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads one input's JSON {@code "data"} value straight from the parser into the direct little-endian buffer of a
 * {@link Tensor}, with no tree in between.
 *
 * <p>The data may be flat or nested; nested data must be rectangular (every array at one depth has the same
 * length and holds the same kind of element) and no deeper than the shape's rank. Either way the number of
 * elements must equal the shape's product, which is computed exactly before anything is allocated and checked
 * against what the JSON text can hold (an element takes at least two bytes of JSON, a BYTES element three), so a
 * declared shape never sizes an allocation beyond a small multiple of the body actually received.
 *
 * <p>Element types are strict: integers for the integer types, in range; numbers (integers accepted) for
 * FP32/FP64, finite after conversion; {@code true}/{@code false} for BOOL; strings for BYTES (stored as their
 * UTF-8 bytes). FP16 and BF16 have no JSON form and are rejected: they travel with the binary extension.
 *
 * <p>Stateless; iterative (no recursion), so nesting depth costs no stack.
 */
final class JsonTensorReader {
  private static final byte ARRAYS = 1;
  private static final byte SCALARS = 2;

  private JsonTensorReader() {}

  /**
   * Reads the value at the parser's current token (the first token of {@code "data"}); on return the parser is
   * at the value's last token.
   *
   * @param jsonBytes length of the JSON text the value comes from, which bounds the element count
   * @throws InferenceException INVALID_ARGUMENT naming the input and what was expected
   */
  static Tensor read(JsonParser json, String name, DataType type, long[] shape, int jsonBytes)
      throws IOException {
    String label = quoted(name);
    if (type == DataType.FP16 || type == DataType.BF16) {
      throw InferenceException.invalid("input " + label + ": " + type.wireName() + " data cannot travel as"
          + " JSON (expected: binary only, with the binary tensor extension's binary_data_size)");
    }
    long count = TensorShape.elementCount(name, shape);
    long capacity = (jsonBytes + 1L) / (type == DataType.BYTES ? 3 : 2);
    if (count > capacity) {
      throw InferenceException.invalid("input " + label + ": shape " + TensorShape.toString(shape)
          + " has " + count + " elements, more than " + jsonBytes + " bytes of JSON can hold");
    }
    ByteBuffer fixed = null;
    Utf8Elements strings = null;
    if (type == DataType.BYTES) {
      strings = new Utf8Elements(4 * count + jsonBytes);
    } else {
      fixed = Tensors.allocate(TensorShape.byteSize(name, type, count));
    }
    long written = 0;
    JsonToken token = json.currentToken();
    if (token != JsonToken.START_ARRAY) {
      requireScalar(json, token, label, 0);
      if (count == 0) {
        throw tooMany(label, shape, count);
      }
      write(json, token, label, type, fixed, strings, 0);
      written = 1;
    } else {
      written = walk(json, label, type, shape, fixed, strings, count);
    }
    if (written != count) {
      throw InferenceException.invalid("input " + label + ": " + written + " data elements for shape "
          + TensorShape.toString(shape) + " (expected: " + count + ")");
    }
    ByteBuffer data = type == DataType.BYTES ? strings.finish() : fixed.flip();
    return Tensor.of(name, type, shape, data);
  }

  /** Walks nested arrays, checking they are rectangular; returns the number of elements written. */
  private static long walk(JsonParser json, String label, DataType type, long[] shape, ByteBuffer fixed,
      Utf8Elements strings, long count) throws IOException {
    int maxDepth = Math.max(shape.length, 1);
    int[] children = new int[maxDepth + 1];
    int[] lengths = new int[maxDepth + 1];
    byte[] kinds = new byte[maxDepth + 1];
    Arrays.fill(lengths, -1);
    long written = 0;
    int depth = 0;
    JsonToken token = JsonToken.START_ARRAY;
    while (true) {
      if (token == JsonToken.START_ARRAY) {
        if (depth > 0) {
          children[depth]++;
          requireKind(kinds, depth, ARRAYS, label);
        }
        depth++;
        if (depth > maxDepth) {
          throw InferenceException.invalid("input " + label + ": data nested deeper than the rank of shape "
              + TensorShape.toString(shape));
        }
        children[depth] = 0;
      } else if (token == JsonToken.END_ARRAY) {
        if (lengths[depth] < 0) {
          lengths[depth] = children[depth];
        } else if (lengths[depth] != children[depth]) {
          throw ragged(label);
        }
        depth--;
        if (depth == 0) {
          return written;
        }
      } else {
        requireScalar(json, token, label, written);
        requireKind(kinds, depth, SCALARS, label);
        children[depth]++;
        if (written == count) {
          throw tooMany(label, shape, count);
        }
        write(json, token, label, type, fixed, strings, written);
        written++;
      }
      token = json.nextToken();
      if (token == null) {
        throw InferenceException.invalid("input " + label + ": truncated data");
      }
    }
  }

  private static void requireKind(byte[] kinds, int depth, byte kind, String label) {
    if (kinds[depth] == 0) {
      kinds[depth] = kind;
    } else if (kinds[depth] != kind) {
      throw ragged(label);
    }
  }

  private static InferenceException ragged(String label) {
    return InferenceException.invalid("input " + label + ": ragged nested data (expected: every array at one"
        + " depth to have the same length and hold the same kind of element)");
  }

  private static void requireScalar(JsonParser json, JsonToken token, String label, long index)
      throws IOException {
    if (!token.isScalarValue() || token == JsonToken.VALUE_NULL) {
      throw InferenceException.invalid("input " + label + ": data element " + index + " is "
          + describe(json, token) + " (expected: a value or an array of values)");
    }
  }

  private static InferenceException tooMany(String label, long[] shape, long count) {
    return InferenceException.invalid("input " + label + ": more data elements than the " + count
        + " of shape " + TensorShape.toString(shape));
  }

  private static void write(JsonParser json, JsonToken token, String label, DataType type, ByteBuffer fixed,
      Utf8Elements strings, long index) throws IOException {
    switch (type) {
      case BOOL:
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw wrongElement(json, token, label, index, "true or false for BOOL");
        }
        fixed.put(token == JsonToken.VALUE_TRUE ? (byte) 1 : (byte) 0);
        break;
      case UINT8:
        fixed.put((byte) integer(json, token, label, index, type, 0, 255));
        break;
      case INT8:
        fixed.put((byte) integer(json, token, label, index, type, Byte.MIN_VALUE, Byte.MAX_VALUE));
        break;
      case UINT16:
        fixed.putShort((short) integer(json, token, label, index, type, 0, 65535));
        break;
      case INT16:
        fixed.putShort((short) integer(json, token, label, index, type, Short.MIN_VALUE, Short.MAX_VALUE));
        break;
      case UINT32:
        fixed.putInt((int) integer(json, token, label, index, type, 0, 0xFFFF_FFFFL));
        break;
      case INT32:
        fixed.putInt((int) integer(json, token, label, index, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
        break;
      case INT64:
        fixed.putLong(integer(json, token, label, index, type, Long.MIN_VALUE, Long.MAX_VALUE));
        break;
      case UINT64:
        fixed.putLong(unsigned64(json, token, label, index));
        break;
      case FP32:
        fixed.putFloat(fp32(json, token, label, index));
        break;
      case FP64:
        fixed.putDouble(fp64(json, token, label, index));
        break;
      case BYTES:
        if (token != JsonToken.VALUE_STRING) {
          throw wrongElement(json, token, label, index, "a string for BYTES");
        }
        strings.add(json.getTextCharacters(), json.getTextOffset(), json.getTextLength());
        break;
      default:
        throw new IllegalStateException("no JSON form for " + type);
    }
  }

  private static long integer(JsonParser json, JsonToken token, String label, long index, DataType type,
      long min, long max) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long value = json.getLongValue();
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw wrongElement(json, token, label, index, "an integer in [" + min + ", " + max + "] for "
        + type.wireName());
  }

  private static long unsigned64(JsonParser json, JsonToken token, String label, long index)
      throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT) {
      if (json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        long value = json.getLongValue();
        if (value >= 0) {
          return value;
        }
      } else {
        String text = json.getText();
        if (text.charAt(0) != '-' && text.length() <= 20) {
          try {
            return Long.parseUnsignedLong(text);
          } catch (NumberFormatException tooLarge) {
            // reported below
          }
        }
      }
    }
    throw wrongElement(json, token, label, index, "an integer in [0, 18446744073709551615] for UINT64");
  }

  private static float fp32(JsonParser json, JsonToken token, String label, long index) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      float value = json.getFloatValue();
      if (Float.isFinite(value)) {
        return value;
      }
    }
    throw wrongElement(json, token, label, index, "a number within FP32 range");
  }

  private static double fp64(JsonParser json, JsonToken token, String label, long index) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      double value = json.getDoubleValue();
      if (Double.isFinite(value)) {
        return value;
      }
    }
    throw wrongElement(json, token, label, index, "a number within FP64 range");
  }

  private static InferenceException wrongElement(JsonParser json, JsonToken token, String label, long index,
      String expected) throws IOException {
    return InferenceException.invalid("input " + label + ": data element " + index + " is "
        + describe(json, token) + " (expected: " + expected + ")");
  }

  /** What the client sent, short and safe to echo (numbers cut to 40 characters, strings not echoed). */
  private static String describe(JsonParser json, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_STRING:
        return "a string";
      case VALUE_TRUE:
        return "true";
      case VALUE_FALSE:
        return "false";
      case VALUE_NULL:
        return "null";
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        String text = json.getText();
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
      default:
        return "unexpected JSON";
    }
  }

  /**
   * BYTES elements in the protocol layout (4-byte little-endian length, then the UTF-8 bytes), in a direct
   * buffer that grows by doubling up to a bound: memory follows the elements actually received, never the
   * declared shape.
   */
  private static final class Utf8Elements {
    private final long bound;
    private ByteBuffer buffer;

    Utf8Elements(long bound) {
      this.bound = Math.min(bound, Integer.MAX_VALUE);
      this.buffer = Tensors.allocate((int) Math.min(this.bound, 4096));
    }

    void add(char[] chars, int offset, int length) {
      int end = offset + length;
      int bytes = 0;
      for (int i = offset; i < end; i++) {
        char c = chars[i];
        if (c < 0x80) {
          bytes += 1;
        } else if (c < 0x800) {
          bytes += 2;
        } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
          bytes += 4;
          i++;
        } else if (Character.isSurrogate(c)) {
          bytes += 1; // an unpaired surrogate becomes '?', as String.getBytes does
        } else {
          bytes += 3;
        }
      }
      ensure(4L + bytes);
      buffer.putInt(bytes);
      for (int i = offset; i < end; i++) {
        char c = chars[i];
        if (c < 0x80) {
          buffer.put((byte) c);
        } else if (c < 0x800) {
          buffer.put((byte) (0xC0 | (c >> 6))).put((byte) (0x80 | (c & 0x3F)));
        } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
          int code = Character.toCodePoint(c, chars[++i]);
          buffer.put((byte) (0xF0 | (code >> 18))).put((byte) (0x80 | ((code >> 12) & 0x3F)))
              .put((byte) (0x80 | ((code >> 6) & 0x3F))).put((byte) (0x80 | (code & 0x3F)));
        } else if (Character.isSurrogate(c)) {
          buffer.put((byte) '?');
        } else {
          buffer.put((byte) (0xE0 | (c >> 12))).put((byte) (0x80 | ((c >> 6) & 0x3F)))
              .put((byte) (0x80 | (c & 0x3F)));
        }
      }
    }

    private void ensure(long needed) {
      if (buffer.remaining() >= needed) {
        return;
      }
      long required = buffer.position() + needed;
      if (required > bound) {
        throw InferenceException.invalid("BYTES data larger than the request body allows");
      }
      long grown = Math.min(bound, Math.max(required, 2L * buffer.capacity()));
      ByteBuffer larger = Tensors.allocate((int) grown);
      larger.put(buffer.flip());
      buffer = larger;
    }

    ByteBuffer finish() {
      return buffer.flip();
    }
  }
}
