package io.sluice.gateway.core;

import io.grpc.Status;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The two mappings from {@link ErrorCode} to the transports' statuses, and the normalization of any failure
 * into an {@link InferenceException} whose message is safe to send (unexpected exceptions become INTERNAL
 * with a generic message; their details go to the operator log only).
 */
public final class GatewayErrors {
  private static final System.Logger LOG = System.getLogger(GatewayErrors.class.getName());

  private GatewayErrors() {}

  /** The HTTP status for {@code code}. */
  public static int httpStatus(ErrorCode code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return 400;
      case NOT_FOUND:
        return 404;
      case PAYLOAD_TOO_LARGE:
        return 413;
      case UNAVAILABLE:
        return 503;
      case UNIMPLEMENTED:
        return 501;
      case DEADLINE_EXCEEDED:
        return 504;
      case INTERNAL:
      default:
        return 500;
    }
  }

  /** The gRPC status for {@code code}. */
  public static Status.Code grpcStatus(ErrorCode code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND:
        return Status.Code.NOT_FOUND;
      case PAYLOAD_TOO_LARGE:
        return Status.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE:
        return Status.Code.UNAVAILABLE;
      case UNIMPLEMENTED:
        return Status.Code.UNIMPLEMENTED;
      case DEADLINE_EXCEEDED:
        return Status.Code.DEADLINE_EXCEEDED;
      case INTERNAL:
      default:
        return Status.Code.INTERNAL;
    }
  }

  /** {@code failure} as an {@link InferenceException}, unwrapping future wrappers. */
  public static InferenceException normalize(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof InferenceException inference) {
      return inference;
    }
    LOG.log(System.Logger.Level.ERROR, "unexpected failure on the request path", cause);
    return InferenceException.internal("internal error");
  }
}
