package io.sluice.runtime.exec;

/**
 * How long a batch that could still grow waits for more requests: never past Triton's
 * {@code max_queue_delay}, and only while more requests are likely to arrive in time. Triton waits the full
 * delay whenever a batch could grow, which costs a lone client the whole delay on every request (its next
 * request cannot come before this one is answered). Here the wait is work-conserving: with an execution slot
 * free, the batch runs at once unless recent arrivals predict another one within the remaining delay.
 *
 * <p>The prediction is the mean gap between arrivals <em>while the version is busy</em> (requests queued or
 * running): busy time divided by the arrivals that found the version busy. Arrivals to an idle version start
 * a busy stretch and are not counted. So a single closed-loop client, whose requests always find the version
 * idle, never makes a batch wait; under open-loop load arrivals find the version busy as often as it is busy,
 * and the estimate is the true mean gap; under many closed-loop clients it follows their rate. Time spent
 * waiting in vain is busy time without arrivals, so a load that stops producing batch-mates lengthens the gap
 * until batches stop waiting. Both sums are halved whenever the busy time passes a window of 16 delays (at
 * least one millisecond), so the estimate follows changes of load within a few windows.
 *
 * <p>A batch waits until its oldest request's delay minus the mean gap (as long as the remaining delay still
 * covers one mean gap), and only while arrivals keep coming: once none has come for two mean gaps (at least a
 * tenth of the delay), the stream has paused and the batch runs. That pause rule matters for closed-loop
 * clients: after a batch is answered they all send again at once, and then nothing more can come until this
 * batch runs, so waiting out the delay would only add it to every request. Not thread-safe: the scheduler calls
 * it under its lock. Times are {@link System#nanoTime()} values passed in, so tests drive it with their own clock.
 */
final class QueueDelay {
  private static final long MIN_WINDOW_NANOS = 1_000_000;

  private final long maxDelayNanos;
  private final long windowNanos;
  private boolean busy;
  private long busySince;
  private long busyNanos;
  private long busyArrivals;
  private long lastArrival;

  /** @param maxDelayNanos the longest a request may wait for batch-mates ({@code max_queue_delay}) */
  QueueDelay(long maxDelayNanos) {
    if (maxDelayNanos < 0) {
      throw new IllegalArgumentException("maxDelayNanos: " + maxDelayNanos + " (expected: >= 0)");
    }
    this.maxDelayNanos = maxDelayNanos;
    this.windowNanos = Math.max(MIN_WINDOW_NANOS, maxDelayNanos > Long.MAX_VALUE / 16 ? Long.MAX_VALUE
        : maxDelayNanos * 16);
  }

  /** A request arrived at {@code now}; the version becomes (or stays) busy. */
  void arrived(long now) {
    lastArrival = now;
    if (!busy) {
      busy = true;
      busySince = now;
      return;
    }
    addBusyTime(now);
    busyArrivals++;
  }

  /** At {@code now} nothing is queued or running any more. */
  void idle(long now) {
    if (busy) {
      addBusyTime(now);
      busy = false;
    }
  }

  /**
   * Until when a batch that could still grow, whose oldest request was admitted at {@code oldestAdmitted},
   * waits for more; a value not after {@code now} means: run it now.
   */
  long waitUntil(long oldestAdmitted, long now) {
    if (maxDelayNanos == 0 || busyArrivals == 0) {
      return now;
    }
    long observed = busyNanos + (busy ? now - busySince : 0);
    long meanGap = Math.min(observed / busyArrivals, maxDelayNanos);
    long pause = Math.max(2 * meanGap, maxDelayNanos / 10);
    return Math.min(oldestAdmitted + maxDelayNanos - meanGap, lastArrival + pause);
  }

  /** The current estimate of the gap between arrivals while busy, or -1 with no arrival seen (for tests). */
  long meanGapNanos(long now) {
    if (busyArrivals == 0) {
      return -1;
    }
    return (busyNanos + (busy ? now - busySince : 0)) / busyArrivals;
  }

  private void addBusyTime(long now) {
    busyNanos += now - busySince;
    busySince = now;
    while (busyNanos > windowNanos) {
      busyNanos /= 2;
      busyArrivals /= 2;
    }
  }
}
