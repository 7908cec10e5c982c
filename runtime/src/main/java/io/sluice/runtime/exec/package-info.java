/**
 * Transport-neutral request execution: {@link io.sluice.runtime.exec.InferenceRequest} and
 * {@link io.sluice.runtime.exec.InferenceResponse}, the {@link io.sluice.runtime.exec.Scheduler} seam between
 * admission and {@code session.run}, and the single error type {@link io.sluice.runtime.exec.InferenceException}
 * with its {@link io.sluice.runtime.exec.ErrorCode}.
 *
 * <p>Schedulers: {@link io.sluice.runtime.exec.DirectScheduler} runs each request on its own;
 * {@link io.sluice.runtime.exec.DynamicBatchScheduler} batches as Triton's dynamic batcher (policy in
 * {@link io.sluice.runtime.exec.BatchingPolicy}; the queue and the batch-forming rules in {@code BatchQueue}),
 * waiting for batch-mates only while more requests are likely to arrive in time ({@code QueueDelay}), and hands
 * batches to {@code BatchRunner}. Both run the model through a
 * {@link io.sluice.runtime.exec.ModelExecutor}.
 *
 * <p>Clients that go away: the transport cancels the request's {@link io.sluice.runtime.exec.Cancellation};
 * queued requests are then dropped unrun, and a {@link io.sluice.runtime.exec.RunGuard} stops a run once every
 * request it serves is cancelled.
 */
package io.sluice.runtime.exec;
