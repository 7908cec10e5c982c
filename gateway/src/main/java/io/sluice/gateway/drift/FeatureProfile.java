package io.sluice.gateway.drift;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline of one feature, as stored in a {@link BaselineProfile}.
 *
 * @param index position among the model's features
 * @param name feature name, see {@link FeatureLayout}
 * @param input the input tensor it comes from
 * @param kind how windows are compared with it
 * @param count finite observations seen when the baseline was built (more than the sample may hold)
 * @param nan NaN observations seen
 * @param infinite infinite observations seen
 * @param sample numeric kind: a uniform sample of the finite values, sorted ascending, at most
 *     {@link BaselineProfile#MAX_SAMPLE}; empty for the categorical kind
 * @param categories categorical kind: count per category key ({@link Categories}); empty for the numeric kind
 */
record FeatureProfile(int index, String name, String input, FeatureKind kind, long count, long nan,
    long infinite, double[] sample, Map<String, Long> categories) {
  FeatureProfile {
    sample = sample.clone();
    categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
  }

  @Override
  public double[] sample() {
    return sample.clone();
  }

  /** The sorted sample without a copy; callers must not modify it. */
  double[] sampleView() {
    return sample;
  }
}
