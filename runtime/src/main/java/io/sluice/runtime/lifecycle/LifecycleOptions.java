package io.sluice.runtime.lifecycle;

import java.util.Set;

/**
 * How the model manager runs.
 *
 * @param mode model control mode
 * @param startupModels models to load at startup in {@link ControlMode#EXPLICIT} mode ({@code *} = all)
 * @param pollIntervalMillis how often poll mode scans the repository
 * @param strictReadiness when true the server is ready only if every model loaded at startup is ready;
 *     when false, once the startup loads have finished whatever their outcome
 * @param drainTimeoutMillis how long a retired version may take to finish its in-flight requests
 */
public record LifecycleOptions(ControlMode mode, Set<String> startupModels, long pollIntervalMillis,
    boolean strictReadiness, long drainTimeoutMillis) {

  public LifecycleOptions {
    if (mode == null) {
      throw new IllegalArgumentException("mode: null (expected: NONE, POLL or EXPLICIT)");
    }
    startupModels = Set.copyOf(startupModels);
    if (mode != ControlMode.EXPLICIT && !startupModels.isEmpty()) {
      throw new IllegalArgumentException("startupModels: " + startupModels
          + " (expected: none unless the control mode is EXPLICIT)");
    }
    if (pollIntervalMillis <= 0) {
      throw new IllegalArgumentException("pollIntervalMillis: " + pollIntervalMillis + " (expected: > 0)");
    }
    if (drainTimeoutMillis < 0) {
      throw new IllegalArgumentException("drainTimeoutMillis: " + drainTimeoutMillis + " (expected: >= 0)");
    }
  }

  /** Mode NONE, strict readiness, 15 s poll interval (unused), 30 s drain. */
  public static LifecycleOptions defaults() {
    return new LifecycleOptions(ControlMode.NONE, Set.of(), 15_000, true, 30_000);
  }
}
