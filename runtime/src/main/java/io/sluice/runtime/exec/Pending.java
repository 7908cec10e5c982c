package io.sluice.runtime.exec;

import java.util.concurrent.CompletableFuture;

/**
 * A request admitted to the dynamic batcher: its future, when and how long it may wait, and (once its run is
 * over) its outcome, which the worker delivers after it has given its execution slot back.
 */
final class Pending {
  final InferenceRequest request;
  final CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
  /** {@link System#nanoTime()} when the request entered the queue. */
  final long admittedNanos;
  /** Its batch dimension, or -1 when it cannot join a batch. */
  final long rows;
  /** What its batch-mates must share; null when it cannot join a batch ({@code rows < 0}). */
  final BatchShape shape;
  /** When it fails UNAVAILABLE if still queued, {@link Long#MAX_VALUE} for never. */
  final long queueTimeoutAt;
  // Written and read by the worker that ran the request.
  private InferenceResponse response;
  private Throwable failure;

  Pending(InferenceRequest request, long admittedNanos, long rows, BatchShape shape, long queueTimeoutAt) {
    this.request = request;
    this.admittedNanos = admittedNanos;
    this.rows = rows;
    this.shape = shape;
    this.queueTimeoutAt = queueTimeoutAt;
  }

  /** Whether {@code other} can join a batch with this request. */
  boolean joins(Pending other) {
    return shape != null && other.shape != null && shape.joins(other.shape);
  }

  /** Samples this request adds to a batch (at least 1). */
  long samples() {
    return Math.max(1, rows);
  }

  /** The earliest of the queue timeout and the client's deadline. */
  long expiresAt() {
    return Math.min(queueTimeoutAt, request.deadlineNanos());
  }

  void succeeded(InferenceResponse answer) {
    response = answer;
  }

  void failed(Throwable cause) {
    failure = cause;
  }

  /** Records {@code cause} unless an outcome was already recorded. */
  void failedIfUnsettled(Throwable cause) {
    if (response == null && failure == null) {
      failure = cause;
    }
  }

  /** Completes the future with the outcome recorded by {@link #succeeded} or {@link #failed}. */
  void deliver() {
    if (failure != null) {
      result.completeExceptionally(failure);
    } else {
      result.complete(response);
    }
  }
}
