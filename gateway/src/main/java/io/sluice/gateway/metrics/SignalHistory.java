package io.sluice.gateway.metrics;

import io.sluice.canary.gates.VersionWindow;
import io.sluice.gateway.core.Outcome;
import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

/**
 * What one model version did, second by second, for the canary gates: a ring of per-second slots (requests,
 * version-caused errors, an end-to-end latency histogram, output comparisons) keyed by the epoch second of
 * the canary clock, so a window of N seconds is the sum (and the histogram merge) of the last N slots.
 *
 * <p>Writers (request threads, shadow completions) only touch {@link LongAdder}s, a {@link DoubleAdder} and an
 * HdrHistogram {@link Recorder}: wait-free and allocation-free. {@link #roll} moves what was written since the
 * previous roll into the slot of the given second; it and {@link #window} run on control threads and are
 * serialized on this object. Slot histograms are {@link PackedHistogram}s (sparse: a slot costs about the
 * buckets its latencies hit), allocated on first use and reset when the slot is reused.
 *
 * <p>What counts: a request the version answered ({@link Outcome#SUCCESS}, its latency recorded) or failed
 * because of itself ({@link Outcome#INTERNAL}, {@link Outcome#UNAVAILABLE}, {@link Outcome#DEADLINE_EXCEEDED},
 * counted as errors). Client errors (invalid input, unknown names, too large) and cancelled calls say
 * nothing about the version and are left out.
 */
final class SignalHistory {
  private static final long LOWEST_NANOS = LatencyRecorder.LOWEST_NANOS;
  private static final long HIGHEST_NANOS = LatencyRecorder.HIGHEST_NANOS;
  private static final int DIGITS = LatencyRecorder.SIGNIFICANT_DIGITS;
  private static final long EMPTY_SLOT = Long.MIN_VALUE;

  private final int slots;
  // Written by request threads.
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder comparisons = new LongAdder();
  private final LongAdder infiniteComparisons = new LongAdder();
  private final DoubleAdder differenceSum = new DoubleAdder();
  private final Recorder latency = new Recorder(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
  // Guarded by this: the totals already rolled, the ring, and scratch histograms.
  private long rolledRequests;
  private long rolledErrors;
  private long rolledComparisons;
  private long rolledInfinite;
  private double rolledDifference;
  private long lastSecond = EMPTY_SLOT;
  private Histogram interval;
  private final Histogram merged = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
  private final long[] second;
  private final long[] slotRequests;
  private final long[] slotErrors;
  private final long[] slotComparisons;
  private final long[] slotInfinite;
  private final double[] slotDifference;
  private final PackedHistogram[] slotLatency;

  /** A history of {@code slots} seconds. */
  SignalHistory(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: >= 1)");
    }
    this.slots = slots;
    second = new long[slots];
    Arrays.fill(second, EMPTY_SLOT);
    slotRequests = new long[slots];
    slotErrors = new long[slots];
    slotComparisons = new long[slots];
    slotInfinite = new long[slots];
    slotDifference = new double[slots];
    slotLatency = new PackedHistogram[slots];
  }

  /** Records one primary request of the version. Wait-free, allocation-free, never throws. */
  void record(Outcome outcome, long totalNanos) {
    if (outcome == Outcome.SUCCESS) {
      requests.increment();
      latency.recordValue(clamp(totalNanos));
    } else if (outcome == Outcome.INTERNAL || outcome == Outcome.UNAVAILABLE
        || outcome == Outcome.DEADLINE_EXCEEDED) {
      // requests before errors, and roll reads errors first: a slot never has more errors than requests
      requests.increment();
      errors.increment();
    }
  }

  /**
   * Records one shadowed request the version ran: failed, or answered after {@code latencyNanos} with outputs
   * {@code difference} away from the primary's (NaN: not compared; infinite: not comparable or non-finite).
   */
  void recordShadow(boolean failed, long latencyNanos, double difference) {
    requests.increment();
    if (failed) {
      errors.increment();
      return;
    }
    latency.recordValue(clamp(latencyNanos));
    recordDifference(difference);
  }

  /** Records one output comparison (see {@link #recordShadow}). */
  void recordDifference(double difference) {
    if (Double.isNaN(difference)) {
      return;
    }
    if (Double.isInfinite(difference)) {
      infiniteComparisons.increment();
    } else {
      differenceSum.add(Math.abs(difference));
      comparisons.increment();
    }
  }

  private static long clamp(long nanos) {
    return nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS);
  }

  /**
   * Moves what was recorded since the last roll into the slot of {@code nowSecond} (epoch second of the canary
   * clock; a clock that went back keeps using the latest second seen).
   */
  synchronized void roll(long nowSecond) {
    long at = Math.max(nowSecond, lastSecond);
    long errorTotal = errors.sum();
    long requestTotal = requests.sum();
    long infiniteTotal = infiniteComparisons.sum();
    long comparisonTotal = comparisons.sum();
    double differenceTotal = differenceSum.sum();
    interval = latency.getIntervalHistogram(interval);
    long newRequests = requestTotal - rolledRequests;
    long newErrors = Math.min(errorTotal - rolledErrors, newRequests);
    long newComparisons = comparisonTotal - rolledComparisons;
    long newInfinite = infiniteTotal - rolledInfinite;
    double newDifference = differenceTotal - rolledDifference;
    rolledRequests = requestTotal;
    rolledErrors += newErrors;
    rolledComparisons = comparisonTotal;
    rolledInfinite = infiniteTotal;
    rolledDifference = differenceTotal;
    lastSecond = at;
    if (newRequests == 0 && newComparisons == 0 && newInfinite == 0 && interval.getTotalCount() == 0) {
      return;
    }
    int index = (int) Math.floorMod(at, (long) slots);
    if (second[index] != at) {
      second[index] = at;
      slotRequests[index] = 0;
      slotErrors[index] = 0;
      slotComparisons[index] = 0;
      slotInfinite[index] = 0;
      slotDifference[index] = 0;
      if (slotLatency[index] != null) {
        slotLatency[index].reset();
      }
    }
    slotRequests[index] += newRequests;
    slotErrors[index] += newErrors;
    slotComparisons[index] += newComparisons;
    slotInfinite[index] += newInfinite;
    slotDifference[index] += Math.max(0, newDifference);
    if (interval.getTotalCount() > 0) {
      if (slotLatency[index] == null) {
        slotLatency[index] = new PackedHistogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
      }
      slotLatency[index].add(interval);
    }
  }

  /**
   * The last {@code seconds} seconds up to {@code nowSecond} inclusive (clamped to the history kept), after
   * rolling what is pending into {@code nowSecond}.
   */
  synchronized VersionWindow window(long nowSecond, long seconds) {
    roll(nowSecond);
    long span = Math.max(1, Math.min(seconds, slots));
    long from = nowSecond - span;
    long windowRequests = 0;
    long windowErrors = 0;
    long windowComparisons = 0;
    long windowInfinite = 0;
    double windowDifference = 0;
    merged.reset();
    for (int i = 0; i < slots; i++) {
      long at = second[i];
      if (at == EMPTY_SLOT || at <= from || at > nowSecond) {
        continue;
      }
      windowRequests += slotRequests[i];
      windowErrors += slotErrors[i];
      windowComparisons += slotComparisons[i];
      windowInfinite += slotInfinite[i];
      windowDifference += slotDifference[i];
      if (slotLatency[i] != null && slotLatency[i].getTotalCount() > 0) {
        merged.add(slotLatency[i]);
      }
    }
    double p99 = merged.getTotalCount() == 0 ? Double.NaN : merged.getValueAtPercentile(99) / 1000.0;
    double meanDifference = windowInfinite > 0 ? Double.POSITIVE_INFINITY
        : windowComparisons > 0 ? windowDifference / windowComparisons : Double.NaN;
    return new VersionWindow(windowRequests, Math.min(windowErrors, windowRequests), p99, meanDifference);
  }
}
