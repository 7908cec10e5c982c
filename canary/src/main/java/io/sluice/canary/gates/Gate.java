package io.sluice.canary.gates;

/** The checks a rollout evaluation runs; {@link #key()} is the name used in JSON. */
public enum Gate {
  /** Canary error rate against the absolute cap. */
  ERROR_RATE("errorRate"),
  /** Canary error rate against the stable error rate plus the margin. */
  ERROR_RATE_MARGIN("errorRateMargin"),
  /** Canary p99 latency divided by the stable p99 latency. */
  LATENCY_RATIO("latencyRatio"),
  /** Mean absolute output difference on shadowed/compared requests. */
  OUTPUT_DIFF("outputDiff"),
  /** Drift score of the canary. */
  DRIFT_SCORE("driftScore");

  private final String key;

  Gate(String key) {
    this.key = key;
  }

  /** The JSON name, e.g. {@code latencyRatio}. */
  public String key() {
    return key;
  }

  /** The gate named {@code key}, or null. */
  public static Gate ofKey(String key) {
    for (Gate gate : values()) {
      if (gate.key.equals(key)) {
        return gate;
      }
    }
    return null;
  }
}
