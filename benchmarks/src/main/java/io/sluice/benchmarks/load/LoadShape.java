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
 * @param maxLag open loop: a send later than this against its schedule is late
 * @param maxLateShare open loop: when a larger share of the measured sends is late, the client could not keep up
 * @param busyWait open loop: spin through the last microseconds before each send (sends on time to a few
 *     microseconds, at the cost of a CPU core) instead of sleeping (which oversleeps by tens of microseconds,
 *     charged to latency)
 * @param seed seeds the Poisson schedule
 */
public record LoadShape(double rate, boolean poisson, int concurrency, Duration duration, Duration warmup,
    long requests, int maxOutstanding, Duration maxLag, double maxLateShare, boolean busyWait, long seed) {

  /** Validates the combination. */
  public LoadShape {
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate: " + rate + " (expected: > 0)");
    }
    if (concurrency < 0) {
      throw new IllegalArgumentException("--concurrency: " + concurrency + " (expected: > 0)");
    }
    if ((rate > 0) == (concurrency > 0)) {
      throw new IllegalArgumentException("give exactly one of --rate R (open loop) or --concurrency C (closed loop)");
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
    if (!(maxLateShare >= 0 && maxLateShare < 1)) {
      throw new IllegalArgumentException("--max-late-share: " + maxLateShare + " (expected: 0 <= share < 1)");
    }
  }

  /** Whether this is the open loop. */
  public boolean openLoop() {
    return rate > 0;
  }

  /** The same shape at another open-loop rate and window (for sweep steps). */
  public LoadShape withRate(double newRate, Duration newDuration) {
    return new LoadShape(newRate, poisson, 0, newDuration, warmup, requests, maxOutstanding, maxLag, maxLateShare,
        busyWait, seed);
  }

  /** A short description such as {@code open loop 200 req/s (poisson)} or {@code closed loop, concurrency 8}. */
  public String describe() {
    return openLoop()
        ? "open loop " + Durations.formatRate(rate) + " req/s" + (poisson ? " (poisson)" : "")
        : "closed loop, concurrency " + concurrency;
  }
}
