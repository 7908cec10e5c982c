package io.sluice.gateway.metrics;

import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.gates.WindowedSignals;
import io.sluice.gateway.core.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's live per-version measurements for the canary's rollout gates: one {@link SignalHistory} per
 * (model, version) of {@value #HISTORY_SECONDS} one-second slots, fed by the request path (through the
 * {@link InferenceMetrics} recorders of each version: requests, version-caused errors, end-to-end latency of
 * successful requests) and by shadow traffic ({@link #recordShadow}: the shadow's requests, errors, run
 * latency and the difference between its outputs and the primary's). The drift score comes from the drift
 * detection through a {@link DriftScores} lookup.
 *
 * <p>Time is the canary's clock (injected, so tests move it): a slot belongs to an epoch second of that
 * clock. What the request path records lands in the second in which it is rolled: {@link #roll()} runs every
 * second on the canary control thread, and every {@link #window} query rolls first, so queries see every
 * request answered before them.
 *
 * <p>Threading: recording is wait-free and allocation-free; {@link #roll()} and {@link #window} are for control
 * threads (the canary scheduler, admin handlers, scrapes) and never throw. Histories are kept for every
 * version seen (a handful per model), also across reloads of the same version.
 */
public final class VersionSignals implements WindowedSignals {
  /** How much history each version keeps: 15 minutes of one-second slots. */
  public static final int HISTORY_SECONDS = 900;

  private static final System.Logger LOG = System.getLogger(VersionSignals.class.getName());

  /** A version's drift score (see {@link WindowedSignals#driftScore}); NaN when unknown. */
  @FunctionalInterface
  public interface DriftScores {
    DriftScores NONE = (model, version) -> Double.NaN;

    double score(String model, long version);
  }

  private final Clock clock;
  private final DriftScores drift;
  private final int historySeconds;
  private final Map<String, Map<Long, SignalHistory>> histories = new ConcurrentHashMap<>();

  /**
   * @param clock the canary clock: slots are its epoch seconds
   * @param drift drift scores of versions, or {@link DriftScores#NONE}
   */
  public VersionSignals(Clock clock, DriftScores drift) {
    this(clock, drift, HISTORY_SECONDS);
  }

  VersionSignals(Clock clock, DriftScores drift, int historySeconds) {
    if (clock == null || drift == null) {
      throw new IllegalArgumentException("clock, drift: null (expected: a Clock and DriftScores)");
    }
    this.clock = clock;
    this.drift = drift;
    this.historySeconds = historySeconds;
  }

  /** The history of {@code version} of {@code model}, created on first use. */
  SignalHistory history(String model, long version) {
    return histories.computeIfAbsent(model, name -> new ConcurrentHashMap<>())
        .computeIfAbsent(version, number -> new SignalHistory(historySeconds));
  }

  /**
   * Records one shadowed request on {@code version} of {@code model} (off the request path).
   *
   * @param failed whether the shadow run failed because of the version
   * @param latencyNanos the shadow's run latency (queue and model run), when it succeeded
   * @param outputDifference mean absolute difference between its outputs and the primary's; NaN when not
   *     compared, {@link Double#POSITIVE_INFINITY} when the outputs are not comparable or not finite
   */
  public void recordShadow(String model, long version, boolean failed, long latencyNanos, double outputDifference) {
    try {
      history(model, version).recordShadow(failed, latencyNanos, outputDifference);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary signals: shadow of model {0} not recorded: {1}", model,
          e.toString());
    }
  }

  /** Drops the history of {@code version} of {@code model} (a version unloaded longer than the history). */
  void forget(String model, long version) {
    Map<Long, SignalHistory> versions = histories.get(model);
    if (versions != null) {
      versions.remove(version);
    }
  }

  /**
   * Records that {@code version} of {@code model}, picked by the traffic split, refused a request its stable
   * version accepts (a signature the clients do not match): an error of the version, which the stable version
   * then served.
   */
  public void recordRefusal(String model, long version) {
    try {
      history(model, version).record(Outcome.INTERNAL, 0);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary signals: refusal of model {0} not recorded: {1}", model,
          e.toString());
    }
  }

  /**
   * Records one output comparison of {@code version} of {@code model} outside shadow traffic (e.g. a canary's
   * answer holding NaN, recorded as {@link Double#POSITIVE_INFINITY}); the request itself is counted
   * elsewhere.
   */
  public void recordOutputDifference(String model, long version, double outputDifference) {
    try {
      history(model, version).recordDifference(outputDifference);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary signals: output difference of model {0} not recorded: {1}",
          model, e.toString());
    }
  }

  /** Moves what every version recorded since the last roll into the current second. Never throws. */
  public void roll() {
    try {
      long now = nowSecond();
      for (Map<Long, SignalHistory> versions : histories.values()) {
        for (SignalHistory history : versions.values()) {
          history.roll(now);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary signals: roll failed: {0}", e.toString());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The window ends at the current second of the clock (inclusive) and covers {@code window} rounded up to
   * whole seconds, at most {@value #HISTORY_SECONDS} s.
   */
  @Override
  public VersionWindow window(String model, long version, Duration window) {
    try {
      Map<Long, SignalHistory> versions = model == null ? null : histories.get(model);
      SignalHistory history = versions == null ? null : versions.get(version);
      if (history == null || window == null || window.isNegative() || window.isZero()) {
        return VersionWindow.EMPTY;
      }
      long seconds = window.getSeconds() + (window.getNano() > 0 ? 1 : 0);
      return history.window(nowSecond(), seconds);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary signals: no window for model {0} version {1}: {2}", model,
          version, e.toString());
      return VersionWindow.EMPTY;
    }
  }

  @Override
  public double driftScore(String model, long version) {
    try {
      return drift.score(model, version);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The clock whose seconds the slots are. */
  public Clock clock() {
    return clock;
  }

  private long nowSecond() {
    return Math.floorDiv(clock.millis(), 1000L);
  }
}
