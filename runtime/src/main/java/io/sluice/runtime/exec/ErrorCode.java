package io.sluice.runtime.exec;

/**
 * Why a request failed, independent of the transport. The gateway maps each code to exactly one HTTP status
 * and one gRPC status code.
 */
public enum ErrorCode {
  /** The request is malformed or does not match the model's signature. */
  INVALID_ARGUMENT,
  /** Unknown model or version. */
  NOT_FOUND,
  /** The server, the model or the version cannot take the request now (not ready, queue full, draining). */
  UNAVAILABLE,
  /** The request is larger than a configured limit. */
  PAYLOAD_TOO_LARGE,
  /** The request asks for something the server does not implement. */
  UNIMPLEMENTED,
  /** The request's deadline passed before it could run. */
  DEADLINE_EXCEEDED,
  /** A bug or an unexpected runtime failure; the message never carries native details. */
  INTERNAL
}
