package io.sluice.benchmarks.load.client;

/**
 * Receives the outcome of each request sent with {@link InferenceClient#send}. Called exactly once per request,
 * on a transport thread: implementations must be thread-safe, quick and must not block.
 */
@FunctionalInterface
public interface ResponseListener {

  /**
   * One request finished.
   *
   * @param intendedNanos the {@link System#nanoTime()} at which the request was scheduled to be sent
   * @param sentNanos the {@link System#nanoTime()} at which it was handed to the transport
   * @param error {@code null} on success; otherwise the status that failed it: the HTTP status code
   *     ({@code "503"}), the gRPC status code name ({@code "UNAVAILABLE"}), or {@code "timeout"},
   *     {@code "connect_error"}, {@code "connection_closed"}, {@code "io_error"} for transport failures
   */
  void onComplete(long intendedNanos, long sentNanos, String error);
}
