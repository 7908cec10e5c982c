package io.sluice.gateway.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
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
    InferenceException normalized = GatewayErrors.normalize(failure);
    Status status = Status.fromCode(GatewayErrors.grpcStatus(normalized.code()))
        .withDescription(normalized.getMessage());
    return new QuietStatusException(status);
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
      super(status, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
