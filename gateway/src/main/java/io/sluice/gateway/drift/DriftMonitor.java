package io.sluice.gateway.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * Tests one model version's sampled traffic against the model's baseline, one tumbling window at a time. A
 * window closes after {@link DriftSettings#window()} sampled requests, or {@link DriftSettings#windowTime()}
 * after its first sample when that is set; then every feature is tested, the p-values are Bonferroni-adjusted
 * across the features that could be tested, a feature drifts when its adjusted p-value is below
 * {@link DriftSettings#pValue()}, and the version is drifting when at least {@link DriftSettings#driftShare()}
 * of the tested features drift (Evidently's "dataset drift" rule). The window then starts afresh.
 *
 * <p>Threading: one worker thread calls {@link #add} and {@link #expire}; {@link #report()} may be called from
 * any thread and reads an immutable report published through a volatile field.
 */
final class DriftMonitor implements FeatureSink {
  /** Finite values kept per numeric feature and window (a uniform sample when there are more). */
  static final int MAX_WINDOW_VALUES = 10_000;

  private final String model;
  private final String version;
  private final DriftSettings settings;
  private final FeatureLayout layout;
  private final List<FeatureComparison> baseline;
  private final long baselineSamples;
  private FeatureAccumulator[] window;
  private long windowSamples;
  private long windowStart;
  private long skippedInputs;
  private long windowsTested;
  private volatile long pendingSamples;
  private volatile DriftReport latest;

  DriftMonitor(String model, String version, DriftSettings settings, FeatureLayout layout,
      List<FeatureComparison> baseline, long baselineSamples) {
    if (baseline.size() != layout.size()) {
      throw new IllegalArgumentException("baseline has " + baseline.size() + " features (expected: "
          + layout.size() + ")");
    }
    this.model = model;
    this.version = version;
    this.settings = settings;
    this.layout = layout;
    this.baseline = List.copyOf(baseline);
    this.baselineSamples = baselineSamples;
    this.window = newWindow(0);
  }

  /**
   * Adds one sampled request's inputs.
   *
   * @return the report of the window this sample completed, or null when the window is still open
   */
  DriftReport add(List<? extends InputValues> inputs, long nowMillis) {
    if (windowSamples == 0) {
      windowStart = nowMillis;
    }
    skippedInputs += layout.extract(inputs, this);
    windowSamples++;
    pendingSamples = windowSamples;
    if (windowSamples >= settings.window()) {
      return close(nowMillis);
    }
    return expire(nowMillis);
  }

  /** Closes the window when its time is up. @return the report when a window closed, else null */
  DriftReport expire(long nowMillis) {
    long limit = settings.windowTime().toMillis();
    if (limit > 0 && windowSamples > 0 && nowMillis - windowStart >= limit) {
      return close(nowMillis);
    }
    return null;
  }

  /** The latest complete window's report, or the progress of the first window. */
  DriftReport report() {
    DriftReport report = latest;
    if (report != null) {
      return report;
    }
    return new DriftReport(model, version, DriftReport.COLLECTING, false, Double.NaN, settings.driftShare(),
        settings.pValue(), pendingSamples, 0, 0, 0, baselineSamples, 0, 0, 0, List.of());
  }

  /** Whether the latest complete window was drifting. */
  boolean drifting() {
    DriftReport report = latest;
    return report != null && report.drifting();
  }

  @Override
  public void number(int feature, double value) {
    window[feature].number(value);
  }

  @Override
  public void category(int feature, String key) {
    window[feature].category(key);
  }

  private DriftReport close(long nowMillis) {
    int count = baseline.size();
    FeatureComparison.Outcome[] outcomes = new FeatureComparison.Outcome[count];
    double[] pValues = new double[count];
    for (int i = 0; i < count; i++) {
      outcomes[i] = baseline.get(i).compare(window[i]);
      pValues[i] = outcomes[i].pValue();
    }
    double[] adjusted = DistributionScores.bonferroni(pValues);
    List<FeatureDrift> features = new ArrayList<>(count);
    int tested = 0;
    int drifted = 0;
    long nan = 0;
    long infinite = 0;
    for (int i = 0; i < count; i++) {
      FeatureComparison.Outcome outcome = outcomes[i];
      boolean drift = adjusted[i] < settings.pValue();
      tested += Double.isNaN(adjusted[i]) ? 0 : 1;
      drifted += drift ? 1 : 0;
      nan += outcome.nan();
      infinite += outcome.infinite();
      features.add(new FeatureDrift(i, baseline.get(i).profile().name(), outcome.test(), outcome.statistic(),
          outcome.pValue(), outcome.jensenShannon(), drift, adjusted[i], outcome.degreesOfFreedom(),
          outcome.psi(), outcome.observations(), outcome.baselineObservations(), outcome.nan(),
          outcome.infinite()));
    }
    double share = tested == 0 ? Double.NaN : (double) drifted / tested;
    boolean drifting = tested > 0 && share >= settings.driftShare();
    windowsTested++;
    DriftReport report = new DriftReport(model, version, DriftReport.READY, drifting, share,
        settings.driftShare(), settings.pValue(), windowSamples, windowStart, nowMillis, windowsTested,
        baselineSamples, skippedInputs, nan, infinite, features);
    latest = report;
    window = newWindow(windowsTested);
    windowSamples = 0;
    skippedInputs = 0;
    pendingSamples = 0;
    return report;
  }

  private FeatureAccumulator[] newWindow(long seed) {
    FeatureAccumulator[] accumulators = new FeatureAccumulator[baseline.size()];
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = FeatureAccumulator.forWindow(baseline.get(i).profile().kind(), MAX_WINDOW_VALUES,
          seed * 31 + i);
    }
    return accumulators;
  }
}
