package io.sluice.gateway.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.gateway.core.GatewayErrors;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;

/**
 * Failures of the request path as gRPC statuses: the code from {@link GatewayErrors#grpcStatus} and the
 * {@link InferenceException}'s caller-safe message as the description. Unexpected exceptions were already
 * turned into a generic INTERNAL message by {@link GatewayErrors#normalize}, so no stack trace, class name or
 * path reaches the client.
 */
final class GrpcFailures {
  private GrpcFailures() {}

  /** {@code failure} (any throwable, future wrappers included) as the exception to pass to {@code onError}. */
  static StatusRuntimeException toStatusException(Throwable failure) {
    return new QuietStatusException(status(GatewayErrors.normalize(failure)));
  }

  private static Status status(InferenceException failure) {
    return Status.fromCode(GatewayErrors.grpcStatus(failure.code())).withDescription(failure.getMessage());
  }

  /** The pushback trailer that tells grpc-java's retrying clients when to try again. */
  private static final Metadata.Key<String> RETRY_PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * An admission refusal (UNAVAILABLE) with the {@code grpc-retry-pushback-ms} trailer set to
   * {@code retryAfterSeconds}, the gRPC counterpart of HTTP's {@code Retry-After}.
   */
  static StatusRuntimeException toRetryLater(InferenceException refusal, int retryAfterSeconds) {
    Metadata trailers = new Metadata();
    trailers.put(RETRY_PUSHBACK, Long.toString(retryAfterSeconds * 1000L));
    return new QuietStatusException(status(refusal), trailers);
  }

  /**
   * Throws DEADLINE_EXCEEDED when the call's deadline has already passed, so the model never runs for a
   * caller that stopped waiting.
   */
  static void checkDeadline(Context context) {
    Deadline deadline = context.getDeadline();
    if (deadline != null && deadline.isExpired()) {
      throw new InferenceException(ErrorCode.DEADLINE_EXCEEDED,
          "deadline exceeded before the request could run");
    }
  }

  /** A status exception without a stack trace: rejections are expected events on the request path. */
  private static final class QuietStatusException extends StatusRuntimeException {
    private static final long serialVersionUID = 1L;

    QuietStatusException(Status status) {
      this(status, null);
    }

    QuietStatusException(Status status, Metadata trailers) {
      super(status, trailers);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
