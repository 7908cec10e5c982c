package io.sluice.gateway.drift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The observations of one feature in a baseline or a window: NaN and infinite values counted apart and never
 * given to a statistic; finite numbers kept in a {@link Reservoir}; categories counted (up to
 * {@link Categories#MAX_CATEGORIES} distinct keys, then pooled under {@link Categories#OTHER}).
 *
 * <p>A baseline accumulator of a numeric feature also counts its values as tentative categories, until it sees a
 * non-integral value or more than {@link Categories#MAX_NUMERIC_CATEGORIES} distinct ones; if that never
 * happens, the feature is categorical. Not thread-safe (one worker thread owns it).
 */
final class FeatureAccumulator {
  private final Reservoir numbers;
  private final boolean numbersAsCategories;
  private final int categoryLimit;
  private Map<String, long[]> categories;
  private long finite;
  private long nan;
  private long infinite;

  private FeatureAccumulator(Reservoir numbers, boolean countCategories, boolean numbersAsCategories,
      int categoryLimit) {
    this.numbers = numbers;
    this.numbersAsCategories = numbersAsCategories;
    this.categoryLimit = categoryLimit;
    this.categories = countCategories ? new LinkedHashMap<>() : null;
  }

  /** For building a baseline: BYTES features count categories; numeric ones keep values and try categories. */
  static FeatureAccumulator forBaseline(boolean bytes, int capacity, long seed) {
    if (bytes) {
      return new FeatureAccumulator(null, true, false, Categories.MAX_CATEGORIES);
    }
    return new FeatureAccumulator(new Reservoir(capacity, seed), true, true,
        Categories.MAX_NUMERIC_CATEGORIES);
  }

  /** For a comparison window of a feature whose baseline is of {@code kind}. */
  static FeatureAccumulator forWindow(FeatureKind kind, int capacity, long seed) {
    if (kind == FeatureKind.CATEGORICAL) {
      return new FeatureAccumulator(null, true, true, Categories.MAX_CATEGORIES);
    }
    return new FeatureAccumulator(new Reservoir(capacity, seed), false, false, 0);
  }

  void number(double value) {
    if (Double.isNaN(value)) {
      nan++;
      return;
    }
    if (Double.isInfinite(value)) {
      infinite++;
      return;
    }
    finite++;
    if (numbers != null) {
      numbers.add(value);
    }
    if (categories != null && numbersAsCategories) {
      if (numbers != null) {
        tentative(value);
      } else {
        count(Categories.ofNumber(value));
      }
    }
  }

  void category(String key) {
    finite++;
    if (categories != null) {
      count(key);
    }
  }

  private void tentative(double value) {
    if (!Categories.isIntegral(value)) {
      categories = null;
      return;
    }
    String key = Categories.ofNumber(value);
    long[] count = categories.get(key);
    if (count != null) {
      count[0]++;
    } else if (categories.size() < categoryLimit) {
      categories.put(key, new long[] {1});
    } else {
      categories = null;
    }
  }

  private void count(String key) {
    long[] count = categories.get(key);
    if (count == null) {
      if (categories.size() >= categoryLimit) {
        key = Categories.OTHER;
        count = categories.get(key);
      }
      if (count == null) {
        count = new long[1];
        categories.put(key, count);
      }
    }
    count[0]++;
  }

  /** Finite observations (numbers or categories). */
  long finite() {
    return finite;
  }

  long nan() {
    return nan;
  }

  long infinite() {
    return infinite;
  }

  /** Whether this baseline accumulator still qualifies its numeric feature as categorical. */
  boolean looksCategorical() {
    return categories != null && finite > 0;
  }

  /** Sorted kept numbers; empty when none are kept. */
  double[] sortedNumbers() {
    return numbers == null ? new double[0] : numbers.sorted();
  }

  /** Category counts in insertion order; empty when categories are not counted. */
  Map<String, Long> categoryCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (categories != null) {
      for (Map.Entry<String, long[]> entry : categories.entrySet()) {
        counts.put(entry.getKey(), entry.getValue()[0]);
      }
    }
    return counts;
  }

  /** The count of category {@code key}, 0 when unseen. */
  long categoryCount(String key) {
    long[] count = categories == null ? null : categories.get(key);
    return count == null ? 0 : count[0];
  }

  /** The distinct category keys counted. */
  Iterable<String> categoryKeys() {
    return categories == null ? List.of() : categories.keySet();
  }
}
