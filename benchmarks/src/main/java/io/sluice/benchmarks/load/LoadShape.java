package io.sluice.benchmarks.load;

import java.time.Duration;

/**
 * The load of one run: open loop at a rate, or closed loop at a concurrency; warm-up; and bounds.
 *
 * @param rate requests per second for the open loop, or 0 for the closed loop
 * @param poisson open loop only: exponential inter-arrival times instead of even spacing
 * @param concurrency requests kept in flight for the closed loop, or 0 for the open loop
 * @param duration the measured window, or {@code null} when only {@code requests} bounds the run
 * @param warmup sent but not measured, before the window
 * @param requests measured requests to send at most, or 0 for no count bound
 * @param maxOutstanding open loop: requests in flight at which the client gives up ({@link ClientLimit.Kind#OUTSTANDING})
 * @param maxLag open loop: how late sends may be (p99) before the run counts as client-bound
 * @param seed seeds the Poisson schedule
 */
public record LoadShape(double rate, boolean poisson, int concurrency, Duration duration, Duration warmup,
    long requests, int maxOutstanding, Duration maxLag, long seed) {

  /** Validates the combination. */
  public LoadShape {
    if ((rate > 0) == (concurrency > 0)) {
      throw new IllegalArgumentException("give exactly one of --rate R (open loop) or --concurrency C (closed loop)");
    }
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate: " + rate + " (expected: > 0)");
    }
    if (concurrency < 0) {
      throw new IllegalArgumentException("--concurrency: " + concurrency + " (expected: > 0)");
    }
    if (poisson && rate == 0) {
      throw new IllegalArgumentException("--poisson: needs --rate (it shapes open-loop arrivals)");
    }
    if (duration == null && requests == 0) {
      throw new IllegalArgumentException("give --duration or --requests to bound the run");
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("--duration: " + Durations.format(duration) + " (expected: > 0)");
    }
    if (warmup == null || warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup: " + warmup + " (expected: >= 0)");
    }
    if (requests < 0) {
      throw new IllegalArgumentException("--requests: " + requests + " (expected: > 0)");
    }
    if (maxOutstanding <= 0) {
      throw new IllegalArgumentException("--max-outstanding: " + maxOutstanding + " (expected: > 0)");
    }
    if (maxLag == null || maxLag.isNegative() || maxLag.isZero()) {
      throw new IllegalArgumentException("--max-lag: " + maxLag + " (expected: > 0)");
    }
  }

  /** Whether this is the open loop. */
  public boolean openLoop() {
    return rate > 0;
  }

  /** The same shape at another open-loop rate and window (for sweep steps). */
  public LoadShape withRate(double newRate, Duration newDuration) {
    return new LoadShape(newRate, poisson, 0, newDuration, warmup, requests, maxOutstanding, maxLag, seed);
  }

  /** A short description such as {@code open loop 200 req/s (poisson)} or {@code closed loop, concurrency 8}. */
  public String describe() {
    return openLoop()
        ? "open loop " + Durations.formatRate(rate) + " req/s" + (poisson ? " (poisson)" : "")
        : "closed loop, concurrency " + concurrency;
  }
}
