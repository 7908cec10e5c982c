package io.sluice.benchmarks.load;

import java.time.Duration;

/**
 * A rate sweep: open-loop steps from a start rate, raised by a factor or a fixed step, until the p99 passes the
 * threshold (or errors, or the client's own limit) ends it.
 *
 * @param startRate the first step's rate (req/s)
 * @param factor multiplies the rate between steps when {@code step} is 0
 * @param step adds to the rate between steps, or 0 to use {@code factor}
 * @param p99Threshold a step is sustainable while its p99 stays at or below this
 * @param stepDuration each step's measured window (each step also gets the run's warm-up)
 * @param maxSteps at most this many steps
 * @param maxRate never offer more than this (req/s), or 0 for no bound
 * @param maxErrorRate a step with a larger failed share is not sustainable
 */
public record SweepPlan(double startRate, double factor, double step, Duration p99Threshold, Duration stepDuration,
    int maxSteps, double maxRate, double maxErrorRate) {

  /** Validates the fields. */
  public SweepPlan {
    if (!(startRate > 0)) {
      throw new IllegalArgumentException("--sweep-start: " + startRate + " (expected: > 0; or give --rate)");
    }
    if (step < 0) {
      throw new IllegalArgumentException("--sweep-step: " + step + " (expected: > 0)");
    }
    if (step == 0 && !(factor > 1)) {
      throw new IllegalArgumentException("--sweep-factor: " + factor + " (expected: > 1)");
    }
    if (p99Threshold == null || p99Threshold.isNegative() || p99Threshold.isZero()) {
      throw new IllegalArgumentException("--sweep-p99: " + p99Threshold + " (expected: > 0)");
    }
    if (stepDuration == null || stepDuration.isNegative() || stepDuration.isZero()) {
      throw new IllegalArgumentException("--sweep-step-duration: " + stepDuration + " (expected: > 0)");
    }
    if (maxSteps <= 0) {
      throw new IllegalArgumentException("--sweep-max-steps: " + maxSteps + " (expected: > 0)");
    }
    if (maxRate < 0) {
      throw new IllegalArgumentException("--sweep-max-rate: " + maxRate + " (expected: > 0)");
    }
    if (maxErrorRate < 0 || maxErrorRate > 1) {
      throw new IllegalArgumentException("--sweep-max-error-rate: " + maxErrorRate + " (expected: 0..1)");
    }
  }

  /** The rate after {@code rate}. */
  public double nextRate(double rate) {
    return step > 0 ? rate + step : rate * factor;
  }
}
