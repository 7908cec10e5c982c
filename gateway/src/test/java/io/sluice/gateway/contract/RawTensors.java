package io.sluice.gateway.contract;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test-side conversions between Java arrays and the protocol's raw little-endian layout. */
public final class RawTensors {
  private RawTensors() {}

  /**
   * {@code values} (see {@link ProtocolClient.Input}) in the raw layout: {@link ProtocolClient.RawData} as it
   * is, a Java array encoded as {@code datatype}, or by its own element type when the datatype is unknown.
   */
  public static ByteBuffer encode(String datatype, Object values) {
    if (values instanceof ProtocolClient.RawData raw) {
      return ByteBuffer.wrap(raw.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteBuffer out;
    switch (datatype) {
      case "BOOL": {
        boolean[] v = (boolean[]) values;
        out = ByteBuffer.allocate(v.length);
        for (boolean b : v) {
          out.put((byte) (b ? 1 : 0));
        }
        break;
      }
      case "UINT8":
      case "INT8": {
        byte[] v = (byte[]) values;
        out = ByteBuffer.allocate(v.length).put(v);
        break;
      }
      case "INT16":
      case "FP16":
      case "BF16": {
        short[] v = (short[]) values;
        out = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) {
          out.putShort(s);
        }
        break;
      }
      case "INT32": {
        int[] v = (int[]) values;
        out = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
          out.putInt(i);
        }
        break;
      }
      case "INT64": {
        long[] v = (long[]) values;
        out = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
          out.putLong(l);
        }
        break;
      }
      case "FP32": {
        float[] v = (float[]) values;
        out = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          out.putFloat(f);
        }
        break;
      }
      case "FP64": {
        double[] v = (double[]) values;
        out = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
          out.putDouble(d);
        }
        break;
      }
      case "BYTES": {
        String[] v = (String[]) values;
        List<byte[]> encoded = new ArrayList<>();
        int total = 0;
        for (String s : v) {
          byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
          encoded.add(bytes);
          total += 4 + bytes.length;
        }
        out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] bytes : encoded) {
          out.putInt(bytes.length).put(bytes);
        }
        break;
      }
      default:
        return encode(datatypeOf(values), values);
    }
    out.flip();
    return out.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The datatype a Java array of {@code values} encodes as when its declared datatype is unknown. */
  static String datatypeOf(Object values) {
    if (values instanceof boolean[]) {
      return "BOOL";
    }
    if (values instanceof byte[]) {
      return "INT8";
    }
    if (values instanceof short[]) {
      return "INT16";
    }
    if (values instanceof int[]) {
      return "INT32";
    }
    if (values instanceof long[]) {
      return "INT64";
    }
    if (values instanceof float[]) {
      return "FP32";
    }
    if (values instanceof double[]) {
      return "FP64";
    }
    if (values instanceof String[]) {
      return "BYTES";
    }
    throw new IllegalArgumentException("no raw form for " + values.getClass().getSimpleName());
  }

  public static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  public static float[] floats(ByteBuffer raw) {
    ByteBuffer view = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[view.remaining() / 4];
    view.asFloatBuffer().get(values);
    return values;
  }

  public static long[] longs(ByteBuffer raw) {
    ByteBuffer view = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long[] values = new long[view.remaining() / 8];
    view.asLongBuffer().get(values);
    return values;
  }

  public static String[] strings(ByteBuffer raw) {
    ByteBuffer view = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<String> values = new ArrayList<>();
    while (view.hasRemaining()) {
      byte[] bytes = new byte[view.getInt()];
      view.get(bytes);
      values.add(new String(bytes, StandardCharsets.UTF_8));
    }
    return values.toArray(new String[0]);
  }
}
