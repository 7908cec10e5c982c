package io.sluice.runtime.repository;

import io.sluice.runtime.exec.InferenceException;

/** Parses model versions as the protocol carries them: decimal strings, empty for "unspecified". */
public final class VersionNumber {
  /** Returned by {@link #parse} for an empty version. */
  public static final long UNSPECIFIED = -1;

  private VersionNumber() {}

  /**
   * The version {@code text} names, or {@link #UNSPECIFIED} when it is empty.
   *
   * @throws InferenceException INVALID_ARGUMENT when it is not a decimal number of at most 18 digits
   */
  public static long parse(String text) {
    if (text == null || text.isEmpty()) {
      return UNSPECIFIED;
    }
    if (text.length() > 18) {
      throw malformed(text);
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(text);
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Whether a directory name is a version directory (decimal digits only). */
  public static boolean isVersionDirectory(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static InferenceException malformed(String text) {
    return InferenceException.invalid(
        "malformed model version '" + ModelName.forMessage(text) + "' (expected: a decimal number)");
  }
}
