package io.sluice.gateway.core;

/**
 * Records how inference requests of one series (a model version, or a model that was never resolved to a
 * version, over one protocol) ended. Obtained from a {@link RequestObserver}; called once per request on the
 * thread that finished answering it.
 *
 * <p>Implementations are wait-free and allocation-free, and never throw.
 */
@FunctionalInterface
public interface RequestRecorder {
  /** Records nothing. */
  RequestRecorder NONE = (outcome, receivedNanos, dispatchedNanos, completedNanos, writtenNanos) -> { };

  /**
   * Records one request. All times are {@link System#nanoTime()} readings, in this order.
   *
   * @param outcome how the request ended
   * @param receivedNanos when its first bytes were seen
   * @param dispatchedNanos when it was decoded and handed to the dispatcher
   * @param completedNanos when its answer (or failure) was ready for encoding
   * @param writtenNanos when the last byte of the answer was handed to the transport
   */
  void record(Outcome outcome, long receivedNanos, long dispatchedNanos, long completedNanos, long writtenNanos);
}
