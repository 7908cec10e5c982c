package io.sluice.benchmarks.load.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/** Converts tensor elements between JSON values, generated values and little-endian wire bytes. */
final class TensorValues {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private TensorValues() {}

  /** Zeros (false, empty strings) for a concrete shape. */
  static Tensor zeros(TensorSpec spec) {
    long[] shape = spec.concreteShape();
    int count = Math.toIntExact(Tensor.elementCount(shape));
    if (spec.datatype() == Datatype.BYTES) {
      return new Tensor(spec.name(), spec.datatype(), shape, new byte[4 * count]);
    }
    return new Tensor(spec.name(), spec.datatype(), shape, new byte[count * spec.datatype().elementSize()]);
  }

  /**
   * Random elements: floats uniform in [0, 1), integers uniform in [0, 100) so that index-like inputs stay in
   * range, booleans fair, strings of 8 lowercase letters and digits.
   */
  static Tensor random(TensorSpec spec, SplittableRandom random) {
    long[] shape = spec.concreteShape();
    int count = Math.toIntExact(Tensor.elementCount(shape));
    Datatype datatype = spec.datatype();
    if (datatype == Datatype.BYTES) {
      ByteBuffer buffer = ByteBuffer.allocate(count * 12).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        buffer.putInt(8);
        for (int c = 0; c < 8; c++) {
          buffer.put((byte) ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
      }
      return new Tensor(spec.name(), datatype, shape, buffer.array());
    }
    ByteBuffer buffer = ByteBuffer.allocate(count * datatype.elementSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      switch (datatype) {
        case BOOL -> buffer.put((byte) (random.nextBoolean() ? 1 : 0));
        case FP16 -> buffer.putShort(floatToHalf(random.nextFloat()));
        case BF16 -> buffer.putShort(floatToBfloat16(random.nextFloat()));
        case FP32 -> buffer.putFloat(random.nextFloat());
        case FP64 -> buffer.putDouble(random.nextDouble());
        default -> putInteger(buffer, datatype, random.nextInt(100));
      }
    }
    return new Tensor(spec.name(), datatype, shape, buffer.array());
  }

  /**
   * Encodes flat JSON values strictly by datatype (a fraction for an integer type is an error).
   *
   * @param where names the input and record in error messages
   */
  static byte[] encode(Datatype datatype, List<JsonNode> values, String where) {
    if (datatype == Datatype.BYTES) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (JsonNode value : values) {
        if (!value.isTextual()) {
          throw new IllegalArgumentException(where + ": element " + value + " (expected: a string for BYTES)");
        }
        byte[] bytes = value.textValue().getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
        out.writeBytes(bytes);
      }
      return out.toByteArray();
    }
    ByteBuffer buffer = ByteBuffer.allocate(values.size() * datatype.elementSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode value : values) {
      switch (datatype) {
        case BOOL -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException(where + ": element " + value + " (expected: true or false for BOOL)");
          }
          buffer.put((byte) (value.booleanValue() ? 1 : 0));
        }
        case FP16, BF16, FP32, FP64 -> {
          if (!value.isNumber()) {
            throw new IllegalArgumentException(where + ": element " + value + " (expected: a number for " + datatype + ")");
          }
          double number = value.doubleValue();
          switch (datatype) {
            case FP16 -> buffer.putShort(floatToHalf((float) number));
            case BF16 -> buffer.putShort(floatToBfloat16((float) number));
            case FP32 -> buffer.putFloat((float) number);
            default -> buffer.putDouble(number);
          }
        }
        default -> {
          if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException(where + ": element " + value + " (expected: an integer for " + datatype + ")");
          }
          putInteger(buffer, datatype, value.longValue());
        }
      }
    }
    return buffer.array();
  }

  /** Writes the tensor's elements as a flat JSON array (the v2 {@code data} field). */
  static void writeJsonData(JsonGenerator json, Tensor tensor) throws IOException {
    if (!tensor.datatype().jsonCompatible()) {
      throw new IllegalArgumentException("input '" + tensor.name() + "' is " + tensor.datatype()
          + ", which cannot travel as JSON (use --protocol-format binary or gRPC)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(tensor.data()).order(ByteOrder.LITTLE_ENDIAN);
    json.writeStartArray();
    while (buffer.hasRemaining()) {
      switch (tensor.datatype()) {
        case BOOL -> json.writeBoolean(buffer.get() != 0);
        case UINT8 -> json.writeNumber(buffer.get() & 0xFF);
        case UINT16 -> json.writeNumber(buffer.getShort() & 0xFFFF);
        case UINT32 -> json.writeNumber(buffer.getInt() & 0xFFFF_FFFFL);
        case UINT64 -> json.writeNumber(Long.toUnsignedString(buffer.getLong()));
        case INT8 -> json.writeNumber(buffer.get());
        case INT16 -> json.writeNumber(buffer.getShort());
        case INT32 -> json.writeNumber(buffer.getInt());
        case INT64 -> json.writeNumber(buffer.getLong());
        case FP32 -> json.writeNumber(buffer.getFloat());
        case FP64 -> json.writeNumber(buffer.getDouble());
        case BYTES -> {
          byte[] element = new byte[buffer.getInt()];
          buffer.get(element);
          json.writeString(new String(element, StandardCharsets.UTF_8));
        }
        default -> throw new IllegalStateException("unreachable: " + tensor.datatype());
      }
    }
    json.writeEndArray();
  }

  private static void putInteger(ByteBuffer buffer, Datatype datatype, long value) {
    switch (datatype) {
      case UINT8, INT8 -> buffer.put((byte) value);
      case UINT16, INT16 -> buffer.putShort((short) value);
      case UINT32, INT32 -> buffer.putInt((int) value);
      case UINT64, INT64 -> buffer.putLong(value);
      default -> throw new IllegalStateException("not an integer type: " + datatype);
    }
  }

  /** BF16 is the upper half of an FP32 (rounded to nearest even). */
  static short floatToBfloat16(float value) {
    int bits = Float.floatToIntBits(value);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** IEEE 754 binary16 (round to nearest; overflow to infinity, tiny values to subnormals or zero). */
  static short floatToHalf(float value) {
    int bits = Float.floatToIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mantissa = bits & 0x7F_FFFF;
    if (((bits >>> 23) & 0xFF) == 0xFF) {
      return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
    }
    if (exponent >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (exponent <= 0) {
      if (exponent < -10) {
        return (short) sign;
      }
      mantissa |= 0x80_0000;
      int shift = 14 - exponent;
      int half = mantissa >> shift;
      int remainder = mantissa & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (remainder > midpoint || (remainder == midpoint && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = sign | (exponent << 10) | (mantissa >> 13);
    int remainder = mantissa & 0x1FFF;
    if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) half;
  }
}
