package io.sluice.runtime.exec;

/**
 * The one exception type of the request path: an {@link ErrorCode} and a message written for the caller
 * (which input, expected versus got; never file paths, class names or native messages). Built without a
 * stack trace because rejections are expected events on the hot path.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

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
}
