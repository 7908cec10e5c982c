package io.sluice.gateway.core;

/**
 * Server-wide admission of inference requests, shared by both front ends: a request is admitted only while the
 * inference requests in flight and the bytes of their bodies (HTTP) or messages (gRPC) stay within these caps;
 * otherwise it is refused at once (HTTP 503 with {@code Retry-After}, gRPC UNAVAILABLE): an HTTP body before it is
 * buffered, a gRPC message (which grpc-java has already received) before it is converted, so overload costs a
 * rejection instead of memory. Health, metadata and statistics requests are never refused by admission.
 *
 * @param maxRequestsInFlight inference requests admitted and not yet answered, across both protocols
 * @param maxBytesInFlight request bytes of those requests (declared body length or message size)
 * @param retryAfterSeconds the {@code Retry-After} an HTTP client is sent with a refusal
 */
public record AdmissionOptions(int maxRequestsInFlight, long maxBytesInFlight, int retryAfterSeconds) {
  /** Default cap on inference requests in flight: 4096. */
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 4096;
  /** Default cap on their bytes: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 1L << 30;
  /** Default {@code Retry-After}: 1 second. */
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

  public AdmissionOptions {
    if (maxRequestsInFlight <= 0) {
      throw new IllegalArgumentException("maxRequestsInFlight: " + maxRequestsInFlight + " (expected: > 0)");
    }
    if (maxBytesInFlight <= 0) {
      throw new IllegalArgumentException("maxBytesInFlight: " + maxBytesInFlight + " (expected: > 0)");
    }
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
    }
  }

  /** 4096 requests, 1 GiB, {@code Retry-After: 1}. */
  public static AdmissionOptions defaults() {
    return new AdmissionOptions(DEFAULT_MAX_REQUESTS_IN_FLIGHT, DEFAULT_MAX_BYTES_IN_FLIGHT,
        DEFAULT_RETRY_AFTER_SECONDS);
  }
}
