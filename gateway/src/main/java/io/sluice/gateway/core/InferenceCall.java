package io.sluice.gateway.core;

import io.sluice.runtime.exec.InferenceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One inference handed to {@link InferenceDispatcher#dispatch}: a future that completes with the answer (or
 * fails with an {@link io.sluice.runtime.exec.InferenceException}), plus the timestamps and the recorder of
 * its series, so the transport can report the end of the request with one call to {@link #answered} once the
 * last byte is written. Being the future itself, it costs no allocation beyond the future the request path
 * always had.
 *
 * <p>Thread-safety: completed by the dispatcher (any thread); {@link #answered} is called once, by the thread
 * that finished writing the answer.
 */
public final class InferenceCall extends CompletableFuture<InferenceResponse> {
  private final RequestRecorder recorder;
  private final long receivedNanos;
  private final long dispatchedNanos;
  // Written before the future completes and read after it did: the completion orders the two.
  private long completedNanos;

  InferenceCall(RequestRecorder recorder, long receivedNanos, long dispatchedNanos) {
    this.recorder = recorder;
    this.receivedNanos = receivedNanos;
    this.dispatchedNanos = dispatchedNanos;
    this.completedNanos = dispatchedNanos;
  }

  /** Completes this call with {@code response}, or with {@code failure} when it is not null. */
  void finish(InferenceResponse response, Throwable failure) {
    completedNanos = System.nanoTime();
    if (failure == null) {
      complete(response);
    } else {
      completeExceptionally(failure);
    }
  }

  /**
   * Reports that the transport finished answering: {@code failure} is the error the client was sent (null
   * for a successful answer), {@code delivered} is false when the client was gone and nothing could be
   * written. Call once, after the last byte was handed to the transport. Never throws.
   */
  public void answered(Throwable failure, boolean delivered) {
    Outcome outcome = !delivered ? Outcome.CANCELLED : failure == null ? Outcome.SUCCESS : Outcome.of(failure);
    try {
      recorder.record(outcome, receivedNanos, dispatchedNanos, completedNanos, System.nanoTime());
    } catch (RuntimeException ignored) {
      // Recorders count their own failures; this only keeps a broken one off the request path.
    }
  }
}
