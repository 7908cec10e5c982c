package io.sluice.canary.gates;

import java.time.Duration;

/**
 * Live per-version measurements the rollout gates read; implemented by the gateway's metrics.
 *
 * <p>Called from the control-plane scheduler (never from a request thread), a few times per evaluation
 * interval per active rollout. Implementations must be thread-safe and should not block; they must not
 * throw (the controller treats an exception as "no data" and logs it).
 */
public interface WindowedSignals {

  /**
   * What {@code version} of {@code model} did during the last {@code window} (ending now). The controller
   * asks for the same window for the canary and the stable version, and for a window as long as the
   * current step has been held (to count the step's canary requests); implementations may clamp a window to
   * the history they keep (ten minutes or more is recommended).
   *
   * @return the measurements, {@link VersionWindow#EMPTY} when there are none
   */
  VersionWindow window(String model, long version, Duration window);

  /**
   * A drift score for {@code version} of {@code model} (for example the largest per-feature divergence of
   * its recent inputs or outputs from the baseline); higher is worse.
   *
   * @return the score, or {@link Double#NaN} when unknown (the drift gate is then skipped)
   */
  default double driftScore(String model, long version) {
    return Double.NaN;
  }
}
