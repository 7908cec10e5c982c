package io.sluice.benchmarks.load.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/** Reads HdrHistogram interval logs ({@code .hlog}) back into whole-run histograms. */
public final class LatencyLogs {

  private LatencyLogs() {}

  /**
   * Sums a log's interval histograms per tag, in order of first appearance; untagged intervals go under
   * {@code ""}. A sweep's log has one tag per step.
   *
   * @throws IOException when the file is missing or not an interval log
   */
  public static Map<String, Histogram> readByTag(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("no latency log at " + file);
    }
    Map<String, Histogram> byTag = new LinkedHashMap<>();
    HistogramLogReader reader = new HistogramLogReader(file.toFile());
    try {
      EncodableHistogram interval;
      while ((interval = reader.nextIntervalHistogram()) != null) {
        if (!(interval instanceof Histogram histogram)) {
          continue;
        }
        String tag = histogram.getTag() == null ? "" : histogram.getTag();
        byTag.computeIfAbsent(tag, key -> {
          Histogram total = new Histogram(histogram.getNumberOfSignificantValueDigits());
          total.setAutoResize(true);
          return total;
        }).add(histogram);
      }
    } catch (RuntimeException e) {
      throw new IOException("cannot read latency log " + file + ": " + e.getMessage(), e);
    } finally {
      reader.close();
    }
    return byTag;
  }
}
