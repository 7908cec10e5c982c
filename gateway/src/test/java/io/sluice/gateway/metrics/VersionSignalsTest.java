package io.sluice.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.testing.MutableClock;
import io.sluice.gateway.core.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The canary's windowed measurements, on an injected clock. */
class VersionSignalsTest {
  private static final long MS = 1_000_000;

  private final MutableClock clock = new MutableClock();
  private final VersionSignals signals = new VersionSignals(clock, (model, version) -> version == 2 ? 0.25 : Double.NaN);

  private VersionWindow window(long version, int seconds) {
    return signals.window("m", version, Duration.ofSeconds(seconds));
  }

  @Test
  void countsVersionCausedErrorsAndSuccessfulLatency() {
    SignalHistory history = signals.history("m", 1);
    for (int i = 0; i < 98; i++) {
      history.record(Outcome.SUCCESS, MS);
    }
    history.record(Outcome.SUCCESS, 50 * MS);
    history.record(Outcome.SUCCESS, 50 * MS);
    history.record(Outcome.INTERNAL, 0);
    history.record(Outcome.UNAVAILABLE, 0);
    history.record(Outcome.DEADLINE_EXCEEDED, 0);
    for (Outcome clientSide : new Outcome[] {Outcome.INVALID, Outcome.NOT_FOUND, Outcome.TOO_LARGE,
        Outcome.UNIMPLEMENTED, Outcome.CANCELLED}) {
      history.record(clientSide, 0);
    }

    VersionWindow window = window(1, 60);
    assertThat(window.requests()).isEqualTo(103);
    assertThat(window.errors()).isEqualTo(3);
    assertThat(window.p99LatencyMicros()).isCloseTo(50_000, within(500.0));
    assertThat(window.meanOutputDiff()).isNaN();
    assertThat(window(2, 60)).isEqualTo(VersionWindow.EMPTY);
    assertThat(signals.window("other", 1, Duration.ofSeconds(60))).isEqualTo(VersionWindow.EMPTY);
    assertThat(window(1, 0)).isEqualTo(VersionWindow.EMPTY);
  }

  @Test
  void windowsCoverTheLastSecondsOfTheClock() {
    SignalHistory history = signals.history("m", 1);
    history.record(Outcome.SUCCESS, MS);
    signals.roll();
    clock.advanceSeconds(30);
    history.record(Outcome.SUCCESS, 4 * MS);
    history.record(Outcome.INTERNAL, 0);

    assertThat(window(1, 10).requests()).as("only the latest second").isEqualTo(2);
    assertThat(window(1, 10).errors()).isEqualTo(1);
    assertThat(window(1, 10).p99LatencyMicros()).isCloseTo(4000, within(40.0));
    assertThat(window(1, 31).requests()).isEqualTo(3);
    assertThat(window(1, 31).p99LatencyMicros()).as("histograms merge").isCloseTo(4000, within(40.0));
    assertThat(window(1, 30).requests()).as("the window ends now and is 30 s long").isEqualTo(2);
    assertThat(signals.window("m", 1, Duration.ofMillis(30_001)).requests()).as("rounded up").isEqualTo(3);

    clock.advanceSeconds(600);
    assertThat(window(1, 660).requests()).as("ten minutes back and more").isEqualTo(3);
    clock.advanceSeconds(VersionSignals.HISTORY_SECONDS);
    assertThat(window(1, 100_000).requests()).as("older than the history").isZero();
  }

  @Test
  void slotsAreReusedWhenTheRingComesAround() {
    VersionSignals small = new VersionSignals(clock, VersionSignals.DriftScores.NONE, 10);
    SignalHistory history = small.history("m", 1);
    history.record(Outcome.SUCCESS, MS);
    small.roll();
    clock.advanceSeconds(10);
    history.record(Outcome.INTERNAL, 0);
    VersionWindow window = small.window("m", 1, Duration.ofSeconds(60));
    assertThat(window.requests()).as("clamped to the 10 s kept; the old second's slot was reset").isEqualTo(1);
    assertThat(window.errors()).isEqualTo(1);
    assertThat(window.p99LatencyMicros()).isNaN();
  }

  @Test
  void shadowsAddRequestsErrorsAndOutputDifferences() {
    signals.recordShadow("m", 2, false, 2 * MS, 0.5);
    signals.recordShadow("m", 2, false, 2 * MS, 1.5);
    signals.recordShadow("m", 2, false, 2 * MS, Double.NaN);
    signals.recordShadow("m", 2, true, 0, Double.NaN);
    VersionWindow window = window(2, 60);
    assertThat(window.requests()).isEqualTo(4);
    assertThat(window.errors()).isEqualTo(1);
    assertThat(window.meanOutputDiff()).isEqualTo(1.0);
    assertThat(signals.driftScore("m", 2)).isEqualTo(0.25);
    assertThat(signals.driftScore("m", 1)).isNaN();

    signals.recordShadow("m", 2, false, 2 * MS, Double.POSITIVE_INFINITY);
    assertThat(window(2, 60).meanOutputDiff()).isEqualTo(Double.POSITIVE_INFINITY);
    clock.advanceSeconds(120);
    signals.recordShadow("m", 2, false, 2 * MS, 0.25);
    assertThat(window(2, 60).meanOutputDiff()).as("the infinite one left the window").isEqualTo(0.25);
  }

  @Test
  void recordingOnTheRequestPathDoesNotAllocate() {
    SignalHistory history = signals.history("m", 1);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long allocated = Long.MAX_VALUE;
    // the first rounds warm up (class loading, compilation); the least a round allocated is what recording costs
    for (int round = 0; round < 5; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      record(history);
      allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(allocated).as("bytes for 100k records").isZero();
    assertThat(window(1, 60).requests()).isEqualTo(500_000);
  }

  private static void record(SignalHistory history) {
    for (int i = 0; i < 100_000; i++) {
      history.record(i % 10 == 0 ? Outcome.INTERNAL : Outcome.SUCCESS, i * 1_000L);
    }
  }

  @Test
  void failingDriftScoresAreUnknown() {
    VersionSignals failing = new VersionSignals(clock, (model, version) -> {
      throw new IllegalStateException("drift bug");
    });
    assertThat(failing.driftScore("m", 1)).isNaN();
  }
}
