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
 * @param loadTimeoutMillis how long loading (and warming) one version may take before that version is reported
 *     UNAVAILABLE and the model manager moves on; a load that finishes later is discarded, and until it ends
 *     that version (same files) is not loaded again
 */
public record LifecycleOptions(ControlMode mode, Set<String> startupModels, long pollIntervalMillis,
    boolean strictReadiness, long drainTimeoutMillis, long loadTimeoutMillis) {

  /** Default load timeout: 10 minutes (large models on a GPU take minutes to load and warm). */
  public static final long DEFAULT_LOAD_TIMEOUT_MILLIS = 600_000;

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
    if (loadTimeoutMillis <= 0) {
      throw new IllegalArgumentException("loadTimeoutMillis: " + loadTimeoutMillis + " (expected: > 0)");
    }
  }

  /** Options with the default load timeout. */
  public LifecycleOptions(ControlMode mode, Set<String> startupModels, long pollIntervalMillis,
      boolean strictReadiness, long drainTimeoutMillis) {
    this(mode, startupModels, pollIntervalMillis, strictReadiness, drainTimeoutMillis, DEFAULT_LOAD_TIMEOUT_MILLIS);
  }

  /** Mode NONE, strict readiness, 15 s poll interval (unused), 30 s drain, 10 min load timeout. */
  public static LifecycleOptions defaults() {
    return new LifecycleOptions(ControlMode.NONE, Set.of(), 15_000, true, 30_000);
  }
}
