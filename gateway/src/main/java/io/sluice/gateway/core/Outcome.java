package io.sluice.gateway.core;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How one inference request ended, as the {@code outcome} metrics tag: {@link #SUCCESS}, one value per
 * {@link ErrorCode}, and {@link #CANCELLED} for a client that went away before the answer could be written.
 */
public enum Outcome {
  SUCCESS,
  INVALID,
  NOT_FOUND,
  UNAVAILABLE,
  TOO_LARGE,
  UNIMPLEMENTED,
  DEADLINE_EXCEEDED,
  INTERNAL,
  CANCELLED;

  /** Every value in declaration order, without the copy {@code values()} makes. */
  public static final List<Outcome> ALL = List.of(values());

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The lowercase name used as the {@code outcome} tag, e.g. {@code not_found}. */
  public String tag() {
    return tag;
  }

  /** The outcome of a request that failed with {@code code}. */
  public static Outcome of(ErrorCode code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return INVALID;
      case NOT_FOUND:
        return NOT_FOUND;
      case UNAVAILABLE:
        return UNAVAILABLE;
      case PAYLOAD_TOO_LARGE:
        return TOO_LARGE;
      case UNIMPLEMENTED:
        return UNIMPLEMENTED;
      case DEADLINE_EXCEEDED:
        return DEADLINE_EXCEEDED;
      case INTERNAL:
      default:
        return INTERNAL;
    }
  }

  /**
   * The outcome of a request that failed with {@code failure} (future wrappers unwrapped): its code when it
   * is an {@link InferenceException}, {@link #INTERNAL} otherwise. Logs nothing and allocates nothing.
   */
  public static Outcome of(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof InferenceException inference ? of(inference.code()) : INTERNAL;
  }
}
