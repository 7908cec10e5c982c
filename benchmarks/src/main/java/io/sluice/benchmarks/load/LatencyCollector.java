package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ResponseListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects one run's measurements. Requests scheduled before the window start are warm-up: sent and counted as
 * in flight, never recorded.
 *
 * <p>Writers ({@link #beforeSend}, {@link #onComplete}) are wait-free and may run on any thread; the interval
 * reads ({@link #intervalLatency} and friends) belong to one reader thread. Values are microseconds.
 */
public final class LatencyCollector implements ResponseListener {

  /** Highest trackable latency: one hour, in microseconds. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
  /** Significant decimal digits kept by the histograms. */
  static final int DIGITS = 3;

  private final long windowStartNanos;
  private final LongSupplier clock;
  private final Recorder latency = new Recorder(HIGHEST_MICROS, DIGITS);
  private final Recorder serviceTime = new Recorder(HIGHEST_MICROS, DIGITS);
  private final Recorder sendLag = new Recorder(HIGHEST_MICROS, DIGITS);
  private final LongAdder sent = new LongAdder();
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final LongAccumulator lastCompletion = new LongAccumulator(Math::max, Long.MIN_VALUE);

  /**
   * @param windowStartNanos requests intended before this {@link System#nanoTime()} are warm-up
   * @param clock the nanosecond clock completions are timed with
   */
  public LatencyCollector(long windowStartNanos, LongSupplier clock) {
    this.windowStartNanos = windowStartNanos;
    this.clock = clock;
  }

  /** Counts a request about to be sent at {@code sendNanos}, scheduled for {@code intendedNanos}. */
  public void beforeSend(long intendedNanos, long sendNanos) {
    outstanding.incrementAndGet();
    sent.increment();
    if (intendedNanos >= windowStartNanos) {
      sendLag.recordValue(clamp((sendNanos - intendedNanos) / 1000));
    }
  }

  @Override
  public void onComplete(long intendedNanos, long sentNanos, String error) {
    long now = clock.getAsLong();
    outstanding.decrementAndGet();
    if (intendedNanos < windowStartNanos) {
      return;
    }
    lastCompletion.accumulate(now);
    if (error == null) {
      successes.increment();
      // charged from the intended time: a stalled server or a late send cannot hide (coordinated omission)
      latency.recordValue(clamp((now - intendedNanos) / 1000));
      serviceTime.recordValue(clamp((now - sentNanos) / 1000));
    } else {
      failures.increment();
      errors.computeIfAbsent(error, key -> new LongAdder()).increment();
    }
  }

  /** Requests sent so far, warm-up included. */
  public long sent() {
    return sent.sum();
  }

  /** Requests sent and not yet complete. */
  public int outstanding() {
    return outstanding.get();
  }

  /** Measured successful requests so far. */
  public long successes() {
    return successes.sum();
  }

  /** Measured failed requests so far. */
  public long failures() {
    return failures.sum();
  }

  /** Measured failures by status, sorted by status. */
  public Map<String, Long> errorsByStatus() {
    Map<String, Long> sorted = new TreeMap<>();
    errors.forEach((status, count) -> sorted.put(status, count.sum()));
    return sorted;
  }

  /** The latest measured completion's {@link System#nanoTime()}, or {@link Long#MIN_VALUE} before any. */
  public long lastCompletionNanos() {
    return lastCompletion.get();
  }

  /** Latency from intended send time to response of the successes since the previous call (microseconds). */
  Histogram intervalLatency(Histogram recycle) {
    return latency.getIntervalHistogram(recycle);
  }

  /** Latency from actual send time to response since the previous call (microseconds). */
  Histogram intervalServiceTime(Histogram recycle) {
    return serviceTime.getIntervalHistogram(recycle);
  }

  /** How late sends were against their schedule since the previous call (microseconds). */
  Histogram intervalSendLag(Histogram recycle) {
    return sendLag.getIntervalHistogram(recycle);
  }

  private static long clamp(long micros) {
    return Math.max(0, Math.min(HIGHEST_MICROS, micros));
  }
}
