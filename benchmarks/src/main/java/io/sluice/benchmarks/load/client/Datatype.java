package io.sluice.benchmarks.load.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The v2 tensor datatypes with their element sizes. {@link #BYTES} has variable-size elements, encoded on
 * the wire as a 4-byte little-endian length followed by the bytes.
 */
public enum Datatype {
  BOOL(1), UINT8(1), UINT16(2), UINT32(4), UINT64(8), INT8(1), INT16(2), INT32(4), INT64(8),
  FP16(2), FP32(4), FP64(8), BF16(2), BYTES(-1);

  private final int elementSize;

  Datatype(int elementSize) {
    this.elementSize = elementSize;
  }

  /** Bytes per element, or -1 for {@link #BYTES}. */
  public int elementSize() {
    return elementSize;
  }

  /** Whether the datatype can travel as JSON numbers; FP16 and BF16 need the binary tensor extension. */
  public boolean jsonCompatible() {
    return this != FP16 && this != BF16;
  }

  /**
   * Parses a v2 datatype name; also accepts the model-config spelling ({@code TYPE_FP32}) and
   * {@code STRING} for {@link #BYTES}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Datatype of(String name) {
    String upper = name.trim().toUpperCase(Locale.ROOT);
    if (upper.startsWith("TYPE_")) {
      upper = upper.substring("TYPE_".length());
    }
    if (upper.equals("STRING")) {
      return BYTES;
    }
    for (Datatype datatype : values()) {
      if (datatype.name().equals(upper)) {
        return datatype;
      }
    }
    throw new IllegalArgumentException("datatype: '" + name + "' (expected one of "
        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
  }
}
