package io.sluice.canary.testing;

import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.gates.WindowedSignals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link WindowedSignals} answering what the test set: the same window for any duration (so a step's
 * request count is the window's count), NaN drift unless set. Records the windows asked for.
 */
public final class FakeSignals implements WindowedSignals {
  private final Map<String, VersionWindow> windows = new ConcurrentHashMap<>();
  private final Map<String, Double> drift = new ConcurrentHashMap<>();
  private final List<Duration> asked = new CopyOnWriteArrayList<>();

  public FakeSignals set(String model, long version, VersionWindow window) {
    windows.put(model + "/" + version, window);
    return this;
  }

  /** {@code requests} requests with {@code errors} errors at {@code p99Micros}. */
  public FakeSignals set(String model, long version, long requests, long errors, double p99Micros) {
    return set(model, version, VersionWindow.of(requests, errors, p99Micros));
  }

  public FakeSignals drift(String model, long version, double score) {
    drift.put(model + "/" + version, score);
    return this;
  }

  /** The durations the controller asked for, in order. */
  public List<Duration> asked() {
    return asked;
  }

  @Override
  public VersionWindow window(String model, long version, Duration window) {
    asked.add(window);
    return windows.getOrDefault(model + "/" + version, VersionWindow.EMPTY);
  }

  @Override
  public double driftScore(String model, long version) {
    return drift.getOrDefault(model + "/" + version, Double.NaN);
  }
}
