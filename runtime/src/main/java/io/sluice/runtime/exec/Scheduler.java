package io.sluice.runtime.exec;

import java.util.concurrent.CompletableFuture;

/**
 * Admission and execution for one model version: the seam between "the request is valid and routed" and
 * {@code session.run}. The direct scheduler runs each request on its own; a dynamic batching scheduler can
 * replace it without touching the transports.
 *
 * <p>Implementations never block the caller: a full queue completes the future exceptionally with
 * {@link ErrorCode#UNAVAILABLE} at once.
 */
public interface Scheduler extends AutoCloseable {

  /** Admits {@code request} (already validated against the version's signature) and runs it. */
  CompletableFuture<InferenceResponse> submit(InferenceRequest request);

  /** Requests admitted and not yet finished. */
  int queued();

  /** Stops accepting work; work already admitted still runs. */
  @Override
  void close();

  /** Waits up to {@code timeout} for admitted work to finish after {@link #close()}. */
  boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException;
}
