package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.RequestRecorder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters per outcome for requests of one model (or of every unknown name) over one protocol that
 * never reached a version: tagged with version {@value InferenceMetrics#NO_VERSION}. Never throws.
 */
final class UnservedMeters implements RequestRecorder {
  private final Counter[] requests;
  private final LongAdder errors;

  UnservedMeters(Counter[] requests, LongAdder errors) {
    this.requests = requests;
    this.errors = errors;
  }

  @Override
  public void record(Outcome outcome, long receivedNanos, long dispatchedNanos, long completedNanos,
      long writtenNanos) {
    try {
      requests[outcome.ordinal()].increment();
    } catch (RuntimeException e) {
      errors.increment();
    }
  }
}
