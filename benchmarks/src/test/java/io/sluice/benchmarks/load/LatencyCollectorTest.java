package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyCollectorTest {

  private static final long MS = 1_000_000L;

  @Test
  void chargesLatencyFromTheIntendedTimeAndServiceTimeFromTheSend() {
    FakeClient.FakeClock clock = new FakeClient.FakeClock();
    LatencyCollector collector = new LatencyCollector(100 * MS, clock::read);

    collector.beforeSend(100 * MS, 130 * MS);
    clock.now = 140 * MS;
    collector.onComplete(100 * MS, 130 * MS, null);

    Histogram latency = collector.intervalLatency(null);
    Histogram service = collector.intervalServiceTime(null);
    Histogram lag = collector.intervalSendLag(null);
    assertThat(latency.getTotalCount()).isEqualTo(1);
    assertThat(latency.getMaxValue()).isEqualTo(latency.highestEquivalentValue(40_000));
    assertThat(service.getMaxValue()).isEqualTo(service.highestEquivalentValue(10_000));
    assertThat(lag.getMaxValue()).isEqualTo(lag.highestEquivalentValue(30_000));
    assertThat(collector.outstanding()).isZero();
  }

  @Test
  void warmUpRequestsAreSentButNotMeasured() {
    FakeClient.FakeClock clock = new FakeClient.FakeClock();
    LatencyCollector collector = new LatencyCollector(100 * MS, clock::read);

    collector.beforeSend(50 * MS, 50 * MS);
    collector.beforeSend(60 * MS, 60 * MS);
    clock.now = 120 * MS;
    collector.onComplete(50 * MS, 50 * MS, null);
    collector.onComplete(60 * MS, 60 * MS, "503");

    assertThat(collector.sent()).isEqualTo(2);
    assertThat(collector.outstanding()).isZero();
    assertThat(collector.successes()).isZero();
    assertThat(collector.errorsByStatus()).isEmpty();
    assertThat(collector.intervalLatency(null).getTotalCount()).isZero();
    assertThat(collector.lastCompletionNanos()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void countsFailuresByStatus() {
    FakeClient.FakeClock clock = new FakeClient.FakeClock();
    LatencyCollector collector = new LatencyCollector(0, clock::read);

    collector.onComplete(0, 0, "503");
    collector.onComplete(0, 0, "503");
    collector.onComplete(0, 0, "timeout");
    collector.onComplete(0, 0, null);

    assertThat(collector.errorsByStatus()).containsExactly(
        java.util.Map.entry("503", 2L), java.util.Map.entry("timeout", 1L));
    assertThat(collector.failures()).isEqualTo(3);
    assertThat(collector.successes()).isEqualTo(1);
  }
}
