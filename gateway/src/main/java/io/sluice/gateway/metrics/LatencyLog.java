package io.sluice.gateway.metrics;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The recent end-to-end interval histograms of every series, kept as the lines of HdrHistogram's log format
 * (compressed, a few hundred bytes each) for {@code /admin/v1/latency.hlog}. Holds the last
 * {@code capacity} intervals; older ones are dropped. Timestamps in the log are relative to the base time
 * (the recorders' start), which the log header states.
 *
 * <p>Thread-safe: one control thread appends, any thread writes the log out.
 */
final class LatencyLog {
  /** Log values are nanoseconds; the max column is written in milliseconds, as HdrHistogram's tools expect. */
  private static final double MAX_VALUE_UNIT_RATIO = 1_000_000.0;

  private final int capacity;
  private final long baseMillis;
  private final ArrayDeque<List<Line>> intervals = new ArrayDeque<>();
  // Encoder state, owned by the appending thread.
  private final ByteArrayOutputStream encoded = new ByteArrayOutputStream(512);
  private final HistogramLogWriter encoder;

  /** One interval histogram of one series, as a log line. */
  record Line(LatencyRecorder series, String text) {}

  LatencyLog(int capacity, long baseMillis) {
    this.capacity = capacity;
    this.baseMillis = baseMillis;
    this.encoder = new HistogramLogWriter(new PrintStream(encoded, true, StandardCharsets.UTF_8));
  }

  /** The log line of {@code interval}, tagged with the series; call on the appending thread only. */
  Line encode(LatencyRecorder series, Histogram interval) {
    interval.setTag(series.tag());
    encoded.reset();
    encoder.outputIntervalHistogram((interval.getStartTimeStamp() - baseMillis) / 1000.0,
        (interval.getEndTimeStamp() - baseMillis) / 1000.0, interval, MAX_VALUE_UNIT_RATIO);
    return new Line(series, encoded.toString(StandardCharsets.UTF_8));
  }

  /** Appends the lines of one interval, dropping the oldest interval when full. */
  synchronized void append(List<Line> lines) {
    if (intervals.size() == capacity) {
      intervals.removeFirst();
    }
    intervals.addLast(List.copyOf(lines));
  }

  /**
   * Writes the log: the format version, start and base time headers, the legend, then every kept interval
   * line of the series {@code include} accepts, oldest first.
   */
  void write(OutputStream out, Predicate<LatencyRecorder> include) {
    List<List<Line>> kept;
    synchronized (this) {
      kept = new ArrayList<>(intervals);
    }
    PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
    HistogramLogWriter writer = new HistogramLogWriter(print);
    writer.outputLogFormatVersion();
    writer.outputStartTime(baseMillis);
    writer.outputBaseTime(baseMillis);
    writer.outputLegend();
    for (List<Line> interval : kept) {
      for (Line line : interval) {
        if (include.test(line.series())) {
          print.print(line.text());
        }
      }
    }
    print.flush();
  }
}
