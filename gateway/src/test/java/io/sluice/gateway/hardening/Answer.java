package io.sluice.gateway.hardening;

import io.grpc.Status;

/**
 * What the server must answer to a corpus case, as an HTTP status and a gRPC status code ({@code -1}: the
 * answer has no HTTP form).
 */
enum Answer {
  SERVED(200, Status.Code.OK),
  INVALID(400, Status.Code.INVALID_ARGUMENT),
  NOT_FOUND(404, Status.Code.NOT_FOUND),
  TOO_LARGE(413, Status.Code.RESOURCE_EXHAUSTED),
  DEADLINE_EXCEEDED(504, Status.Code.DEADLINE_EXCEEDED),
  /** grpc-java's server resets a stream whose deadline passed before it was handled (RST_STREAM CANCEL). */
  RESET(-1, Status.Code.CANCELLED);

  final int httpStatus;
  final Status.Code grpcCode;

  Answer(int httpStatus, Status.Code grpcCode) {
    this.httpStatus = httpStatus;
    this.grpcCode = grpcCode;
  }
}
