package io.sluice.gateway.drift;

import java.nio.charset.StandardCharsets;

/**
 * How values become category keys for the chi-squared test and the categorical scores.
 *
 * <ul>
 *   <li>BYTES elements: the UTF-8 string itself when it has at most {@link #MAX_STRING_BYTES} bytes; a longer
 *       string is represented by its length only, bucketed by powers of two as {@code "<64..127 bytes>"},
 *       {@code "<128..255 bytes>"} and so on, so free text does not create one category per request.
 *   <li>Numbers of a categorical numeric feature: the integer in decimal ({@code "3"}, {@code "-1"}); a
 *       non-integral value (which the baseline never had) becomes {@link Double#toString}, a new category.
 *   <li>At most {@link #MAX_CATEGORIES} distinct keys are counted per feature and sample; later new keys are
 *       counted under {@link #OTHER}.
 * </ul>
 */
final class Categories {
  /** Longest string, in UTF-8 bytes, that is its own category. */
  static final int MAX_STRING_BYTES = 64;
  /** Distinct categories counted per feature before new ones are pooled into {@link #OTHER}. */
  static final int MAX_CATEGORIES = 1000;
  /** The key that pools categories beyond {@link #MAX_CATEGORIES}. */
  static final String OTHER = "<other>";
  /** A numeric feature is categorical when its baseline has at most this many distinct values, all integral. */
  static final int MAX_NUMERIC_CATEGORIES = 20;

  private Categories() {}

  /** The key of a BYTES element of {@code length} bytes at {@code offset} in {@code bytes}. */
  static String ofBytes(byte[] bytes, int offset, int length) {
    if (length <= MAX_STRING_BYTES) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
    return ofLength(length);
  }

  /** The key of a string element, applying the same rule to its UTF-8 length. */
  static String ofString(String value) {
    int length = utf8Length(value);
    return length <= MAX_STRING_BYTES ? value : ofLength(length);
  }

  /** The key of a finite number of a categorical numeric feature. */
  static String ofNumber(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /** Whether {@code value} can be a category of a numeric feature: an integer exactly representable. */
  static boolean isIntegral(double value) {
    return value == Math.rint(value) && Math.abs(value) < 0x1p53;
  }

  /** The key of a string longer than {@link #MAX_STRING_BYTES}: its length bucket. */
  static String ofLength(int length) {
    int low = Integer.highestOneBit(length);
    long high = 2L * low - 1;
    return "<" + low + ".." + high + " bytes>";
  }

  private static int utf8Length(String value) {
    int length = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
