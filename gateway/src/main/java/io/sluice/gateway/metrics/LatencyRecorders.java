package io.sluice.gateway.metrics;

import io.sluice.gateway.core.Protocol;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * Every {@link LatencyRecorder} of the process, the interval clock that advances them, and the log of recent
 * intervals in HdrHistogram's format.
 *
 * <p>Threading: series are created on first sight of a version (any thread); {@link #advance()} runs on one
 * control thread at a time (the metrics scheduler); readers see the snapshots it published.
 */
public final class LatencyRecorders {
  private final List<LatencyRecorder> series = new CopyOnWriteArrayList<>();
  private final LatencyLog log;
  private final LongSupplier wallClock;
  private final long startMillis;

  /**
   * @param historyIntervals how many intervals the log keeps
   * @param wallClock epoch milliseconds, for the log's base time and the series' start
   */
  LatencyRecorders(int historyIntervals, LongSupplier wallClock) {
    this.wallClock = wallClock;
    this.startMillis = wallClock.getAsLong();
    this.log = new LatencyLog(historyIntervals, startMillis);
  }

  /** Creates the recorder of one series; called once per series. */
  LatencyRecorder create(String model, String version, Protocol protocol) {
    LatencyRecorder recorder = new LatencyRecorder(model, version, protocol, wallClock.getAsLong());
    series.add(recorder);
    return recorder;
  }

  /** Drops every series of {@code version} of {@code model} (a version unloaded long ago). */
  synchronized void remove(String model, String version) {
    series.removeIf(recorder -> recorder.model().equals(model) && recorder.version().equals(version));
  }

  /** Every series, in creation order. */
  public List<LatencyRecorder> series() {
    return List.copyOf(series);
  }

  /** When recording started (epoch milliseconds): the base time of the log. */
  public long startMillis() {
    return startMillis;
  }

  /**
   * Ends the current interval of every series: publishes interval and cumulative snapshots and appends the
   * non-empty end-to-end intervals to the log.
   */
  public synchronized void advance() {
    List<LatencyLog.Line> lines = new ArrayList<>();
    for (LatencyRecorder recorder : series) {
      Histogram interval = recorder.advance();
      if (interval.getTotalCount() > 0) {
        lines.add(log.encode(recorder, interval));
      }
    }
    log.append(lines);
  }

  /**
   * Writes the kept end-to-end intervals of the series {@code include} accepts in HdrHistogram's log format
   * (readable by {@code HistogramLogReader} and the HdrHistogram log tools), each tagged
   * {@code model/version/protocol}.
   */
  public void writeLog(OutputStream out, Predicate<LatencyRecorder> include) {
    log.write(out, include);
  }
}
