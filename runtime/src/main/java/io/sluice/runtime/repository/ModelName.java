package io.sluice.runtime.repository;

/**
 * The rule for model names: 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_.-]}, not {@code .} or
 * {@code ..}. Checked character by character (no regex) before any name is used to touch the filesystem.
 */
public final class ModelName {
  public static final int MAX_LENGTH = 128;

  private ModelName() {}

  /** Whether {@code name} may name a model. */
  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    if (name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** {@code name} cut to a length and character set that is safe to echo in an error message. */
  public static String forMessage(String name) {
    if (name == null) {
      return "";
    }
    StringBuilder safe = new StringBuilder(Math.min(name.length(), MAX_LENGTH));
    for (int i = 0; i < name.length() && i < MAX_LENGTH; i++) {
      char c = name.charAt(i);
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return safe.toString();
  }
}
