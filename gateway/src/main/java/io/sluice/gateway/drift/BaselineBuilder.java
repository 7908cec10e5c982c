package io.sluice.gateway.drift;

import io.sluice.runtime.session.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accumulates observations into a {@link BaselineProfile}: for each feature a seeded uniform sample of up to
 * {@link BaselineProfile#MAX_SAMPLE} finite values, category counts, and NaN/infinity counts. Seeded, so the
 * same data always gives the same profile. Not thread-safe.
 */
final class BaselineBuilder implements FeatureSink {
  private static final long SEED = 0x5EED_D21F7L;

  private final FeatureLayout layout;
  private final List<TensorSpec> inputs;
  private final FeatureAccumulator[] features;
  private long samples;
  private long skippedInputs;

  BaselineBuilder(FeatureLayout layout, List<TensorSpec> inputs) {
    this.layout = layout;
    this.inputs = List.copyOf(inputs);
    this.features = new FeatureAccumulator[layout.size()];
    for (FeatureDefinition feature : layout.features()) {
      features[feature.index()] = FeatureAccumulator.forBaseline(feature.bytes(), BaselineProfile.MAX_SAMPLE,
          SEED + feature.index());
    }
  }

  /** Adds one request's inputs; returns how many inputs were missing or did not fit the layout. */
  int add(List<? extends InputValues> values) {
    samples++;
    int skipped = layout.extract(values, this);
    skippedInputs += skipped;
    return skipped;
  }

  /** Requests added so far. */
  long samples() {
    return samples;
  }

  @Override
  public void number(int feature, double value) {
    features[feature].number(value);
  }

  @Override
  public void category(int feature, String key) {
    features[feature].category(key);
  }

  /** The profile of everything added so far. */
  BaselineProfile build() {
    List<FeatureProfile> profiles = new ArrayList<>(features.length);
    for (FeatureDefinition definition : layout.features()) {
      FeatureAccumulator accumulator = features[definition.index()];
      boolean categorical = definition.bytes() || accumulator.looksCategorical();
      FeatureKind kind = categorical ? FeatureKind.CATEGORICAL : FeatureKind.NUMERIC;
      double[] sample = categorical ? new double[0] : accumulator.sortedNumbers();
      Map<String, Long> categories = categorical ? new TreeMap<>(accumulator.categoryCounts()) : Map.of();
      profiles.add(new FeatureProfile(definition.index(), definition.name(), definition.input(), kind,
          accumulator.finite(), accumulator.nan(), accumulator.infinite(), sample, categories));
    }
    return new BaselineProfile(BaselineProfile.describe(inputs), samples, profiles);
  }
}
