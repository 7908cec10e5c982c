package io.sluice.gateway.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One feature's baseline, prepared once for comparing windows with it: the sorted sample and decile bins of a
 * numeric feature, the aligned category counts of a categorical one. Immutable and thread-safe.
 *
 * <p>Numeric features: the Kolmogorov–Smirnov test against the baseline sample; PSI and Jensen–Shannon over
 * ten bins cut at the baseline sample's deciles (ties merge bins), {@code (-inf, q1], (q1, q2], ..., (q9, inf)}.
 * Categorical features: the chi-squared test over the baseline's categories plus any the window adds; PSI and
 * Jensen–Shannon over the same categories.
 */
final class FeatureComparison {
  static final int BINS = 10;

  /**
   * The comparison of one window with the baseline, before the correction across features.
   *
   * @param test {@code "ks"} or {@code "chi2"}
   * @param statistic D or X²; NaN when either side had no finite observation (the test did not run)
   * @param pValue unadjusted; NaN when the test did not run
   * @param degreesOfFreedom chi-squared only, else 0
   * @param jensenShannon Jensen–Shannon distance (base 2) over the bins or categories
   * @param psi population stability index over the same bins or categories
   * @param observations finite observations in the window
   * @param baselineObservations finite baseline observations compared (the sample size for numeric features)
   * @param nan NaN observations in the window
   * @param infinite infinite observations in the window
   */
  record Outcome(String test, double statistic, double pValue, int degreesOfFreedom, double jensenShannon,
      double psi, long observations, long baselineObservations, long nan, long infinite) {}

  private final FeatureProfile profile;
  private final double[] edges;
  private final long[] baselineBins;
  private final Map<String, Integer> categoryIndex;
  private final long[] baselineCategories;

  FeatureComparison(FeatureProfile profile) {
    this.profile = profile;
    if (profile.kind() == FeatureKind.NUMERIC) {
      double[] sample = profile.sampleView();
      this.edges = decileEdges(sample);
      this.baselineBins = bin(sample, sample.length, edges);
      this.categoryIndex = Map.of();
      this.baselineCategories = new long[0];
    } else {
      this.edges = new double[0];
      this.baselineBins = new long[0];
      Map<String, Integer> index = new LinkedHashMap<>();
      long[] counts = new long[profile.categories().size()];
      for (Map.Entry<String, Long> category : profile.categories().entrySet()) {
        counts[index.size()] = category.getValue();
        index.put(category.getKey(), index.size());
      }
      this.categoryIndex = Map.copyOf(index);
      this.baselineCategories = counts;
    }
  }

  FeatureProfile profile() {
    return profile;
  }

  Outcome compare(FeatureAccumulator window) {
    return profile.kind() == FeatureKind.NUMERIC ? numeric(window) : categorical(window);
  }

  private Outcome numeric(FeatureAccumulator window) {
    double[] baseline = profile.sampleView();
    double[] values = window.sortedNumbers();
    KolmogorovSmirnov.Result ks = KolmogorovSmirnov.testSorted(baseline, baseline.length, values, values.length);
    long[] windowBins = bin(values, values.length, edges);
    return new Outcome("ks", ks.statistic(), ks.pValue(), 0,
        DistributionScores.jensenShannonDistance(baselineBins, windowBins),
        DistributionScores.populationStabilityIndex(baselineBins, windowBins),
        window.finite(), baseline.length, window.nan(), window.infinite());
  }

  private Outcome categorical(FeatureAccumulator window) {
    List<String> added = new ArrayList<>();
    for (String key : window.categoryKeys()) {
      if (!categoryIndex.containsKey(key)) {
        added.add(key);
      }
    }
    int size = baselineCategories.length + added.size();
    long[] baseline = Arrays.copyOf(baselineCategories, size);
    long[] current = new long[size];
    long baselineTotal = 0;
    for (long count : baselineCategories) {
      baselineTotal += count;
    }
    for (Map.Entry<String, Integer> category : categoryIndex.entrySet()) {
      current[category.getValue()] = window.categoryCount(category.getKey());
    }
    for (int i = 0; i < added.size(); i++) {
      current[baselineCategories.length + i] = window.categoryCount(added.get(i));
    }
    ChiSquared.Result chi = ChiSquared.homogeneity(baseline, current);
    return new Outcome("chi2", chi.statistic(), chi.pValue(), chi.degreesOfFreedom(),
        DistributionScores.jensenShannonDistance(baseline, current),
        DistributionScores.populationStabilityIndex(baseline, current),
        window.finite(), baselineTotal, window.nan(), window.infinite());
  }

  /** Distinct values at the sample's deciles, ascending; empty for an empty sample. */
  static double[] decileEdges(double[] sorted) {
    int n = sorted.length;
    double[] edges = new double[BINS - 1];
    int count = 0;
    for (int k = 1; k < BINS && n > 0; k++) {
      int index = Math.max(0, Math.min(n - 1, (int) Math.ceil((double) k * n / BINS) - 1));
      double edge = sorted[index];
      if (count == 0 || edge > edges[count - 1]) {
        edges[count++] = edge;
      }
    }
    return Arrays.copyOf(edges, count);
  }

  /** Counts of the first {@code length} values per bin {@code (-inf, e0], (e0, e1], ..., (e_last, inf)}. */
  static long[] bin(double[] values, int length, double[] edges) {
    long[] counts = new long[edges.length + 1];
    for (int i = 0; i < length; i++) {
      counts[binOf(values[i], edges)]++;
    }
    return counts;
  }

  /** The index of the first edge at or above {@code value}, or the number of edges. */
  static int binOf(double value, double[] edges) {
    int low = 0;
    int high = edges.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (edges[middle] < value) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}
