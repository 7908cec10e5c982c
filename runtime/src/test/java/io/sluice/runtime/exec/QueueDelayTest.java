package io.sluice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The adaptive queue delay, driven by a hand-moved clock (nanoseconds). */
class QueueDelayTest {
  private static final long US = 1_000;
  private static final long DELAY = 500 * US;

  private long now = 1_000_000_000L;

  @Test
  void aLoneClosedLoopClientNeverWaits() {
    QueueDelay delay = new QueueDelay(DELAY);
    for (int i = 0; i < 100; i++) {
      // each request arrives to an idle version, runs for 30 us, is answered, and the client sends the next
      delay.arrived(now);
      assertThat(delay.waitUntil(now, now)).as("request %d", i).isLessThanOrEqualTo(now);
      now += 30 * US;
      delay.idle(now);
      now += 360 * US;
    }
    assertThat(delay.meanGapNanos(now)).isEqualTo(-1);
  }

  @Test
  void frequentArrivalsWhileBusyMakeABatchWaitWhileTheRemainingDelayCoversAGap() {
    QueueDelay delay = new QueueDelay(DELAY);
    delay.arrived(now);
    for (int i = 0; i < 10; i++) {
      now += 50 * US;
      delay.arrived(now);
    }
    assertThat(delay.meanGapNanos(now)).isEqualTo(50 * US);
    long oldest = now - 100 * US;
    // arrivals keep coming: waits for two more gaps after the last one (100 us) ...
    assertThat(delay.waitUntil(oldest, now)).isEqualTo(now + 100 * US);
    // ... and never past the point where the remaining delay is one mean gap: oldest + 500 - 50 us
    long older = now - 420 * US;
    assertThat(delay.waitUntil(older, now)).isEqualTo(older + DELAY - 50 * US);
  }

  @Test
  void aBurstOfClosedLoopClientsWaitsOnlyUntilTheBurstIsOver() {
    QueueDelay delay = new QueueDelay(DELAY);
    // 16 clients: their requests arrive within a few microseconds of each other after each answer
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 16; i++) {
        delay.arrived(now);
        now += 2 * US;
      }
      long oldest = now - 32 * US;
      long until = delay.waitUntil(oldest, now);
      assertThat(until - oldest).as("round %d", round).isLessThan(DELAY / 4);
      now = Math.max(now, until) + 40 * US; // the batch runs; then its callers send again
    }
  }

  @Test
  void rareArrivalsWhileBusyDoNotMakeABatchWait() {
    QueueDelay delay = new QueueDelay(DELAY);
    delay.arrived(now);
    for (int i = 0; i < 4; i++) {
      now += 800 * US;
      delay.arrived(now);
    }
    assertThat(delay.meanGapNanos(now)).isEqualTo(800 * US);
    long oldest = now;
    assertThat(delay.waitUntil(oldest, now)).isLessThanOrEqualTo(now);
  }

  @Test
  void simultaneousArrivalsWaitATenthOfTheDelayAndNeverPastTheMaximum() {
    QueueDelay delay = new QueueDelay(DELAY);
    delay.arrived(now);
    delay.arrived(now);
    assertThat(delay.meanGapNanos(now)).isZero();
    assertThat(delay.waitUntil(now, now)).isEqualTo(now + DELAY / 10);
    long oldest = now - DELAY + 10 * US;
    assertThat(delay.waitUntil(oldest, now)).isEqualTo(oldest + DELAY);
  }

  @Test
  void waitingInVainLengthensTheGapUntilBatchesStopWaiting() {
    QueueDelay delay = new QueueDelay(DELAY);
    // a burst: 64 clients keeping the version busy, one arrival every 20 us for 10 ms
    delay.arrived(now);
    for (int i = 0; i < 500; i++) {
      now += 20 * US;
      delay.arrived(now);
    }
    delay.idle(now);
    // then a lone client: each of its requests waits as long as the estimate says, and nothing else arrives
    int waited = 0;
    for (int i = 0; i < 1000; i++) {
      now += 400 * US;
      long oldest = now;
      delay.arrived(now);
      long until = delay.waitUntil(oldest, now);
      boolean waits = until > now;
      now = Math.max(now, until) + 30 * US;
      delay.idle(now);
      if (!waits) {
        break;
      }
      waited++;
    }
    assertThat(waited).as("requests that waited after the load dropped").isBetween(1, 200);
    now += 400 * US;
    delay.arrived(now);
    assertThat(delay.waitUntil(now, now)).isLessThanOrEqualTo(now);
  }

  @Test
  void idleTimeDoesNotCount() {
    QueueDelay delay = new QueueDelay(DELAY);
    delay.arrived(now);
    now += 10 * US;
    delay.arrived(now);
    now += 10 * US;
    delay.idle(now);
    now += 1_000_000 * US;
    delay.arrived(now);
    assertThat(delay.meanGapNanos(now)).isEqualTo(20 * US);
  }

  @Test
  void noDelayMeansNoWait() {
    QueueDelay delay = new QueueDelay(0);
    delay.arrived(now);
    delay.arrived(now);
    assertThat(delay.waitUntil(now, now)).isEqualTo(now);
    assertThatThrownBy(() -> new QueueDelay(-1)).hasMessage("maxDelayNanos: -1 (expected: >= 0)");
  }
}
