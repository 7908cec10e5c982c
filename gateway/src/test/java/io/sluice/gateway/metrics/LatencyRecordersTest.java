package io.sluice.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.gateway.core.Protocol;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

class LatencyRecordersTest {
  private static final long MS = 1_000_000;

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final LatencyRecorders recorders = new LatencyRecorders(3, clock::get);

  @Test
  void intervalsAndCumulativeReportPercentilesInMicroseconds() {
    LatencyRecorder series = recorders.create("m", "1", Protocol.HTTP);
    for (int i = 1; i <= 100; i++) {
      series.record(i * MS, 10_000, i * MS - 20_000, 10_000);
    }
    recorders.advance();

    LatencySnapshot interval = series.interval(LatencyPhase.TOTAL);
    assertThat(interval.count()).isEqualTo(100);
    // Two significant digits: every reported value is within 1% above the true one.
    assertThat(interval.p50Micros()).isBetween(50_000.0, 50_500.0);
    assertThat(interval.p90Micros()).isBetween(90_000.0, 90_900.0);
    assertThat(interval.p99Micros()).isBetween(99_000.0, 99_990.0);
    assertThat(interval.p999Micros()).isBetween(100_000.0, 101_000.0);
    assertThat(interval.maxMicros()).isBetween(100_000.0, 101_000.0);
    assertThat(interval.meanMicros()).isCloseTo(50_500.0, within(505.0));
    // Below 256 units the resolution is one unit: 512 ns (the power of two under the 1 µs lowest value).
    assertThat(series.interval(LatencyPhase.DECODE).p99Micros()).isBetween(10.0, 10.6);
    assertThat(series.cumulative(LatencyPhase.TOTAL).count()).isEqualTo(100);

    series.record(7 * MS, 0, 7 * MS, 0);
    recorders.advance();

    assertThat(series.interval(LatencyPhase.TOTAL).count()).isEqualTo(1);
    assertThat(series.interval(LatencyPhase.TOTAL).maxMicros()).isBetween(7_000.0, 7_070.0);
    assertThat(series.cumulative(LatencyPhase.TOTAL).count()).isEqualTo(101);
    assertThat(series.cumulative(LatencyPhase.TOTAL).maxMicros()).isBetween(100_000.0, 101_000.0);

    recorders.advance();
    assertThat(series.interval(LatencyPhase.TOTAL).count()).isZero();
    assertThat(series.cumulative(LatencyPhase.EXECUTE).count()).isEqualTo(101);
  }

  @Test
  void valuesOutsideTheRangeAreClampedNeverThrown() {
    LatencyRecorder series = recorders.create("m", "1", Protocol.GRPC);

    series.record(Long.MAX_VALUE, -5, LatencyRecorder.HIGHEST_NANOS + 1, 0);
    recorders.advance();

    assertThat(series.interval(LatencyPhase.TOTAL).count()).isEqualTo(1);
    assertThat(series.interval(LatencyPhase.TOTAL).maxMicros())
        .isGreaterThanOrEqualTo(LatencyRecorder.HIGHEST_NANOS / 1000.0);
    assertThat(series.interval(LatencyPhase.DECODE).maxMicros()).isLessThan(1.0);
  }

  @Test
  void theLogParsesBackWithHdrHistogramsReaderTaggedBySeries() throws Exception {
    LatencyRecorder http = recorders.create("clf", "2", Protocol.HTTP);
    LatencyRecorder grpc = recorders.create("clf", "2", Protocol.GRPC);
    for (int interval = 0; interval < 5; interval++) {
      clock.addAndGet(10_000);
      for (int i = 0; i <= interval; i++) {
        http.record(3 * MS, 0, 3 * MS, 0);
      }
      grpc.record(5 * MS, 0, 5 * MS, 0);
      recorders.advance();
    }
    recorders.advance();

    List<EncodableHistogram> all = read(recorder -> true);
    // Three intervals are kept; the empty last interval adds no lines.
    assertThat(all).hasSize(4);
    assertThat(all).extracting(EncodableHistogram::getTag)
        .containsExactly("clf/2/http", "clf/2/grpc", "clf/2/http", "clf/2/grpc");
    Histogram newest = (Histogram) all.get(2);
    assertThat(newest.getTotalCount()).isEqualTo(5);
    assertThat(newest.getValueAtPercentile(50)).isBetween(3 * MS, 3 * MS + 3 * MS / 100);

    List<EncodableHistogram> grpcOnly = read(recorder -> recorder == grpc);
    assertThat(grpcOnly).extracting(EncodableHistogram::getTag).containsOnly("clf/2/grpc");
  }

  private List<EncodableHistogram> read(java.util.function.Predicate<LatencyRecorder> include) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    recorders.writeLog(out, include);
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("#[Histogram log format version").contains("#[StartTime:").contains("#[BaseTime:");
    HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(out.toByteArray()));
    List<EncodableHistogram> histograms = new ArrayList<>();
    EncodableHistogram next;
    while ((next = reader.nextIntervalHistogram()) != null) {
      histograms.add(next);
    }
    return histograms;
  }
}
