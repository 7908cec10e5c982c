package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.InferenceClient;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sends requests at their scheduled times from one thread, whatever the responses do: the server's latency
 * never slows the schedule (no coordinated omission). Sends that are late are still sent, and charged from
 * their intended time by the {@link LatencyCollector}.
 *
 * <p>Gives up, returning a {@link ClientLimit}, when sends fall further behind than the abort lag or when the
 * in-flight count reaches its limit: then the client, not the server, bounds the load.
 */
final class OpenLoopDriver {

  /** Busy-wait: park until this close to the due time, then spin ({@code parkNanos} oversleeps by ~50 us). */
  private static final long SPIN_NANOS = 120_000;

  private final InferenceClient client;
  private final LatencyCollector collector;
  private final ArrivalSchedule schedule;
  private final LongSupplier clock;
  private final double rate;
  private final boolean busyWait;
  private volatile boolean stopped;

  OpenLoopDriver(InferenceClient client, LatencyCollector collector, ArrivalSchedule schedule, double rate,
      boolean busyWait, LongSupplier clock) {
    this.busyWait = busyWait;
    this.client = client;
    this.collector = collector;
    this.schedule = schedule;
    this.rate = rate;
    this.clock = clock;
  }

  /**
   * Runs the schedule on the calling thread until {@code endNanos}, until {@code measuredLimit} measured
   * requests are sent (0: no limit), or until {@link #stop()}.
   *
   * @return {@code null}, or the limit that stopped the run early
   */
  ClientLimit run(long startNanos, long windowStartNanos, long endNanos, long measuredLimit, int maxOutstanding,
      long abortLagNanos) {
    long measured = 0;
    while (!stopped) {
      long intended = startNanos + schedule.nextOffsetNanos();
      if (intended >= endNanos || (measuredLimit > 0 && intended >= windowStartNanos && measured >= measuredLimit)) {
        return null;
      }
      long now = waitUntil(intended);
      long lag = now - intended;
      if (lag > abortLagNanos) {
        return new ClientLimit(ClientLimit.Kind.SCHEDULE_LAG, String.format(Locale.ROOT,
            "the client could not keep up with %s req/s: sends fell %.0f ms behind schedule (more CPU or "
                + "--io-threads for the client, or a lower --rate)", Durations.formatRate(rate), lag / 1e6));
      }
      if (collector.outstanding() >= maxOutstanding) {
        return new ClientLimit(ClientLimit.Kind.OUTSTANDING, String.format(Locale.ROOT,
            "the client could not keep up with %s req/s: %d requests in flight reached --max-outstanding "
                + "(the server is slower than the offered rate; lower --rate or raise --max-outstanding)",
            Durations.formatRate(rate), maxOutstanding));
      }
      collector.beforeSend(intended, now);
      if (intended >= windowStartNanos) {
        measured++;
      }
      try {
        client.send(intended, collector);
      } catch (RuntimeException e) {
        collector.onComplete(intended, now, "client_error");
      }
    }
    return null;
  }

  /** Makes {@link #run} return before its next send; callable from any thread. */
  void stop() {
    stopped = true;
  }

  private long waitUntil(long dueNanos) {
    long now = clock.getAsLong();
    while (now < dueNanos && !stopped) {
      long remaining = dueNanos - now;
      if (!busyWait) {
        LockSupport.parkNanos(remaining);
      } else if (remaining > 2 * SPIN_NANOS) {
        LockSupport.parkNanos(remaining - SPIN_NANOS);
      } else {
        Thread.onSpinWait();
      }
      now = clock.getAsLong();
    }
    return now;
  }
}
