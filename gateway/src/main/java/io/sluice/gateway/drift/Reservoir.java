package io.sluice.gateway.drift;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A uniform random sample of at most {@code capacity} values from a stream of any length (Vitter's algorithm
 * R). Seeded, so the same stream always keeps the same values. Not thread-safe.
 */
final class Reservoir {
  private final int capacity;
  private final SplittableRandom random;
  private double[] values;
  private int size;
  private long seen;

  Reservoir(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.capacity = capacity;
    this.random = new SplittableRandom(seed);
    this.values = new double[Math.min(capacity, 64)];
  }

  void add(double value) {
    if (size < capacity) {
      if (size == values.length) {
        values = Arrays.copyOf(values, (int) Math.min(capacity, 2L * values.length));
      }
      values[size++] = value;
    } else {
      long slot = random.nextLong(seen + 1);
      if (slot < capacity) {
        values[(int) slot] = value;
      }
    }
    seen++;
  }

  /** Values kept, at most the capacity. */
  int size() {
    return size;
  }

  /** Values offered so far. */
  long seen() {
    return seen;
  }

  /** The kept values, sorted ascending, in a new array. */
  double[] sorted() {
    double[] copy = Arrays.copyOf(values, size);
    Arrays.sort(copy);
    return copy;
  }
}
