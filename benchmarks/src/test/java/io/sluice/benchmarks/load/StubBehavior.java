package io.sluice.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a stub v2 server does per inference: a fixed delay, one stall (every request arriving during it waits
 * for its end), and every n-th request failing. Counts what the statistics endpoints report. Thread-safe.
 */
final class StubBehavior {

  final long delayNanos;
  final long stallAtRequest;
  final long stallNanos;
  final int failEvery;
  final boolean serial;
  final AtomicLong requests = new AtomicLong();
  final AtomicLong successes = new AtomicLong();
  final AtomicLong successNanos = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean stalled;
  private final AtomicLong stallUntil = new AtomicLong();

  /**
   * @param delayMillis every request's service time
   * @param stallAtRequest the 1-based request that starts the stall, or 0 for none
   * @param stallMillis how long the stall lasts
   * @param failEvery every n-th request fails (503 / UNAVAILABLE), or 0 for none
   * @param serial one request at a time (a server with a fixed capacity) instead of unbounded parallelism
   */
  StubBehavior(long delayMillis, long stallAtRequest, long stallMillis, int failEvery, boolean serial) {
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    this.stallAtRequest = stallAtRequest;
    this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
    this.failEvery = failEvery;
    this.serial = serial;
  }

  static StubBehavior delay(long delayMillis) {
    return new StubBehavior(delayMillis, 0, 0, 0, false);
  }

  /** One request's fate: how long to wait before answering and whether to fail. */
  record Answer(long waitNanos, boolean fail) {}

  Answer arrive() {
    long number = requests.incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    long nanos = System.nanoTime();
    if (number == stallAtRequest) {
      stallUntil.set(nanos + stallNanos);
      stalled = true;
    }
    long stallWait = stalled ? Math.max(0, stallUntil.get() - nanos) : 0;
    return new Answer(stallWait + delayNanos, failEvery > 0 && number % failEvery == 0);
  }

  void depart(Answer answer) {
    inFlight.decrementAndGet();
    if (answer.fail()) {
      failures.incrementAndGet();
    } else {
      successes.incrementAndGet();
      successNanos.addAndGet(answer.waitNanos());
    }
  }
}
