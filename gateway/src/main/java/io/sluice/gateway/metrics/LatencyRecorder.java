package io.sluice.gateway.metrics;

import io.sluice.gateway.core.Protocol;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latency histograms of one series (model, version, protocol): one HdrHistogram {@link Recorder} per
 * {@link LatencyPhase}, plus interval and cumulative snapshots.
 *
 * <p>Threading: {@link #record} is wait-free and allocation-free, for any number of request threads at once.
 * {@link #advance} (taking an interval) runs on one control thread at a time; the snapshot accessors read
 * an immutable snapshot published by it, from any thread.
 *
 * <p>Values are nanoseconds from {@value #LOWEST_NANOS} ns to one hour (longer values count as one hour) with
 * {@value #SIGNIFICANT_DIGITS} significant digits (1% precision): about 25 KB per histogram, and each phase
 * keeps four (two in the recorder, the recycled interval and the cumulative one).
 */
public final class LatencyRecorder {
  /** Smallest value told apart from zero: one microsecond. */
  public static final long LOWEST_NANOS = 1_000;
  /** Largest value recorded as itself: one hour. */
  public static final long HIGHEST_NANOS = 3_600_000_000_000L;
  /** Significant decimal digits kept. */
  public static final int SIGNIFICANT_DIGITS = 2;

  private static final int PHASES = LatencyPhase.ALL.size();

  private final String model;
  private final String version;
  private final Protocol protocol;
  private final String tag;
  private final Recorder[] recorders = new Recorder[PHASES];
  // Owned by the thread running advance().
  private final Histogram[] intervals = new Histogram[PHASES];
  private final Histogram[] cumulative = new Histogram[PHASES];
  private final long createdMillis;
  private volatile Snapshots snapshots;

  /** The published snapshots, one array slot per phase. */
  private record Snapshots(LatencySnapshot[] interval, LatencySnapshot[] cumulative) {}

  LatencyRecorder(String model, String version, Protocol protocol, long nowMillis) {
    this.model = model;
    this.version = version;
    this.protocol = protocol;
    this.tag = model + "/" + version + "/" + protocol.tag();
    this.createdMillis = nowMillis;
    LatencySnapshot[] empty = new LatencySnapshot[PHASES];
    for (int p = 0; p < PHASES; p++) {
      recorders[p] = new Recorder(LOWEST_NANOS, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
      cumulative[p] = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
      empty[p] = new LatencySnapshot(nowMillis, nowMillis, 0, 0, 0, 0, 0, 0, 0);
    }
    this.snapshots = new Snapshots(empty, empty);
  }

  public String model() {
    return model;
  }

  public String version() {
    return version;
  }

  public Protocol protocol() {
    return protocol;
  }

  /** {@code model/version/protocol}: the tag of this series in the HdrHistogram log. */
  public String tag() {
    return tag;
  }

  /**
   * Records one successful request; all values in nanoseconds. Wait-free, allocation-free, never throws.
   */
  public void record(long totalNanos, long decodeNanos, long executeNanos, long encodeNanos) {
    recorders[0].recordValue(clamp(totalNanos));
    recorders[1].recordValue(clamp(decodeNanos));
    recorders[2].recordValue(clamp(executeNanos));
    recorders[3].recordValue(clamp(encodeNanos));
  }

  private static long clamp(long nanos) {
    return nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS);
  }

  /** The latest interval of {@code phase}: what was recorded between the last two {@link #advance} calls. */
  public LatencySnapshot interval(LatencyPhase phase) {
    return snapshots.interval()[phase.ordinal()];
  }

  /** Everything recorded for {@code phase} since this series was created, up to the last {@link #advance}. */
  public LatencySnapshot cumulative(LatencyPhase phase) {
    return snapshots.cumulative()[phase.ordinal()];
  }

  /**
   * Takes an interval: reads every recorder (recycling the previous interval histograms), folds the intervals
   * into the cumulative histograms and publishes new snapshots. One control thread at a time.
   *
   * @return the new interval histogram of {@link LatencyPhase#TOTAL}, valid until the next call
   */
  Histogram advance() {
    LatencySnapshot[] interval = new LatencySnapshot[PHASES];
    LatencySnapshot[] total = new LatencySnapshot[PHASES];
    for (int p = 0; p < PHASES; p++) {
      Histogram histogram = recorders[p].getIntervalHistogram(intervals[p]);
      intervals[p] = histogram;
      cumulative[p].add(histogram);
      interval[p] = LatencySnapshot.of(histogram, histogram.getStartTimeStamp(), histogram.getEndTimeStamp());
      total[p] = LatencySnapshot.of(cumulative[p], createdMillis, histogram.getEndTimeStamp());
    }
    snapshots = new Snapshots(interval, total);
    return intervals[0];
  }
}
