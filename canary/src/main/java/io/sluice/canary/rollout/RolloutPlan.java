package io.sluice.canary.rollout;

import io.sluice.canary.gates.Gates;
import java.util.List;

/**
 * How to roll a canary version out: the canary's weight goes through {@code steps}; a step advances when it
 * was held at least {@code stepSeconds}, the canary served at least {@code minRequests} requests during it,
 * and every gate passed; after the last step passes the canary is promoted. Gates are evaluated every
 * {@code intervalSeconds} over the last {@code windowSeconds}, canary against stable over the same window.
 *
 * @param version the canary version
 * @param steps canary weights in percent, strictly increasing, each {@code 1..100} (default 5, 25, 50, 100);
 *     the last need not be 100: passing it promotes anyway
 * @param stepSeconds minimum hold time of each step, {@code >= 0} (default 60)
 * @param minRequests minimum canary requests during each step, {@code >= 0} (default 100)
 * @param gates thresholds (default {@link Gates#DEFAULTS})
 * @param intervalSeconds time between evaluations, {@code 1..3600} (default 10)
 * @param windowSeconds sliding window of each evaluation, {@code 1..86400} (default 60)
 */
public record RolloutPlan(long version, List<Integer> steps, long stepSeconds, long minRequests, Gates gates,
    long intervalSeconds, long windowSeconds) {

  public static final List<Integer> DEFAULT_STEPS = List.of(5, 25, 50, 100);
  public static final long DEFAULT_STEP_SECONDS = 60;
  public static final long DEFAULT_MIN_REQUESTS = 100;
  public static final long DEFAULT_INTERVAL_SECONDS = 10;
  public static final long DEFAULT_WINDOW_SECONDS = 60;
  private static final long MAX_STEP_SECONDS = 366L * 24 * 3600;

  public RolloutPlan {
    if (version < 0) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
    }
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("steps: [] (expected: at least one weight in 1..100)");
    }
    steps = List.copyOf(steps);
    for (int i = 0; i < steps.size(); i++) {
      int step = steps.get(i);
      if (step < 1 || step > 100) {
        throw new IllegalArgumentException("steps[" + i + "]: " + step + " (expected: 1..100)");
      }
      if (i > 0 && step <= steps.get(i - 1)) {
        throw new IllegalArgumentException("steps[" + i + "]: " + step + " (expected: > steps[" + (i - 1) + "] = "
            + steps.get(i - 1) + ")");
      }
    }
    if (stepSeconds < 0 || stepSeconds > MAX_STEP_SECONDS) {
      throw new IllegalArgumentException("stepSeconds: " + stepSeconds + " (expected: 0.." + MAX_STEP_SECONDS + ")");
    }
    if (minRequests < 0) {
      throw new IllegalArgumentException("minRequests: " + minRequests + " (expected: >= 0)");
    }
    if (gates == null) {
      throw new IllegalArgumentException("gates: null (expected: thresholds, e.g. Gates.DEFAULTS)");
    }
    if (intervalSeconds < 1 || intervalSeconds > 3600) {
      throw new IllegalArgumentException("intervalSeconds: " + intervalSeconds + " (expected: 1..3600)");
    }
    if (windowSeconds < 1 || windowSeconds > 86_400) {
      throw new IllegalArgumentException("windowSeconds: " + windowSeconds + " (expected: 1..86400)");
    }
  }

  /** A plan for {@code version} with every default. */
  public static RolloutPlan of(long version) {
    return builder(version).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder(long version) {
    return new Builder(version);
  }

  /** The weight of step {@code index}. */
  public int step(int index) {
    return steps.get(index);
  }

  /** The index of the last step. */
  public int lastStep() {
    return steps.size() - 1;
  }

  /** Collects the optional fields of a plan; {@link #build()} validates. */
  public static final class Builder {
    private final long version;
    private List<Integer> steps = DEFAULT_STEPS;
    private long stepSeconds = DEFAULT_STEP_SECONDS;
    private long minRequests = DEFAULT_MIN_REQUESTS;
    private Gates gates = Gates.DEFAULTS;
    private long intervalSeconds = DEFAULT_INTERVAL_SECONDS;
    private long windowSeconds = DEFAULT_WINDOW_SECONDS;

    private Builder(long version) {
      this.version = version;
    }

    public Builder steps(List<Integer> value) {
      this.steps = value;
      return this;
    }

    public Builder steps(Integer... value) {
      return steps(List.of(value));
    }

    public Builder stepSeconds(long value) {
      this.stepSeconds = value;
      return this;
    }

    public Builder minRequests(long value) {
      this.minRequests = value;
      return this;
    }

    public Builder gates(Gates value) {
      this.gates = value;
      return this;
    }

    public Builder intervalSeconds(long value) {
      this.intervalSeconds = value;
      return this;
    }

    public Builder windowSeconds(long value) {
      this.windowSeconds = value;
      return this;
    }

    public RolloutPlan build() {
      return new RolloutPlan(version, steps, stepSeconds, minRequests, gates, intervalSeconds, windowSeconds);
    }
  }
}
