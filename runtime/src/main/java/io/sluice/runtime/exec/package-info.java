/**
 * Transport-neutral request execution: {@link io.sluice.runtime.exec.InferenceRequest} and
 * {@link io.sluice.runtime.exec.InferenceResponse}, the {@link io.sluice.runtime.exec.Scheduler} seam between
 * admission and {@code session.run} (direct now, dynamic batching later), and the single error type
 * {@link io.sluice.runtime.exec.InferenceException} with its {@link io.sluice.runtime.exec.ErrorCode}.
 */
package io.sluice.runtime.exec;
