package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.RequestRecorder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one version over one protocol, resolved once: a request counter per outcome, the latency
 * timer, the HdrHistogram recorders and the version's canary {@link SignalHistory} (shared by its protocols).
 * Successful requests feed the latency; every request is counted. Wait-free, allocation-free and never throws
 * (failures are counted in {@code errors}).
 */
final class ServedMeters implements RequestRecorder {
  private final Counter[] requests;
  private final Timer latency;
  private final LatencyRecorder recorder;
  private final LongAdder errors;
  private final SignalHistory signals;

  /** @param signals the version's canary history, or null to keep none */
  ServedMeters(Counter[] requests, Timer latency, LatencyRecorder recorder, LongAdder errors,
      SignalHistory signals) {
    this.requests = requests;
    this.latency = latency;
    this.recorder = recorder;
    this.errors = errors;
    this.signals = signals;
  }

  LatencyRecorder latencyRecorder() {
    return recorder;
  }

  @Override
  public void record(Outcome outcome, long receivedNanos, long dispatchedNanos, long completedNanos,
      long writtenNanos) {
    try {
      requests[outcome.ordinal()].increment();
      if (signals != null) {
        signals.record(outcome, writtenNanos - receivedNanos);
      }
      if (outcome == Outcome.SUCCESS) {
        long total = writtenNanos - receivedNanos;
        latency.record(total, TimeUnit.NANOSECONDS);
        recorder.record(total, dispatchedNanos - receivedNanos, completedNanos - dispatchedNanos,
            writtenNanos - completedNanos);
      }
    } catch (RuntimeException e) {
      errors.increment();
    }
  }
}
