package io.sluice.runtime.exec;

/**
 * The one exception type of the request path: an {@link ErrorCode} and a message written for the caller
 * (which input, expected versus got; never file paths, class names or native messages). Built without a
 * stack trace because rejections are expected events on the hot path.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How many characters of request text {@link #quoted} echoes. */
  public static final int MAX_ECHO = 64;

  private final ErrorCode code;

  public InferenceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static InferenceException invalid(String message) {
    return new InferenceException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static InferenceException notFound(String message) {
    return new InferenceException(ErrorCode.NOT_FOUND, message);
  }

  public static InferenceException unavailable(String message) {
    return new InferenceException(ErrorCode.UNAVAILABLE, message);
  }

  public static InferenceException internal(String message) {
    return new InferenceException(ErrorCode.INTERNAL, message);
  }

  /**
   * {@code text} from a request (a tensor name, a datatype) as messages echo it: in single quotes, cut to
   * {@value #MAX_ECHO} characters (then {@code ...}), control characters replaced by {@code ?}. Keeps messages
   * short (a gRPC status message travels in a header, which peers limit to a few KiB) and printable.
   */
  public static String quoted(String text) {
    int length = Math.min(text.length(), MAX_ECHO);
    StringBuilder safe = new StringBuilder(length + 5).append('\'');
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      safe.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (text.length() > length) {
      safe.append("...");
    }
    return safe.append('\'').toString();
  }
}
