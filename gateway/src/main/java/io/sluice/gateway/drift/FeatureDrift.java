package io.sluice.gateway.drift;

/**
 * The result for one feature in one comparison window. Rendered by {@link DriftReport#toJson()} with these
 * names; non-finite numbers become {@code null}.
 *
 * @param index the feature's position among the model's features
 * @param name the feature's name, e.g. {@code x[2]} or {@code image.c0.mean} (see the package documentation)
 * @param test {@code "ks"} (two-sample Kolmogorov–Smirnov, numeric features) or {@code "chi2"} (chi-squared
 *     homogeneity, categorical features)
 * @param statistic the test statistic: KS {@code D} in [0, 1] or {@code X²}; NaN when the test could not run
 *     (no finite observation in the window or the baseline)
 * @param pValue the test's p-value before correction; NaN when the test did not run
 * @param score the Jensen–Shannon distance (base 2, in [0, 1]) between the window and the baseline over the
 *     baseline's decile bins (numeric) or the categories (categorical)
 * @param drifted whether {@code adjustedPValue < pValue threshold}
 * @param adjustedPValue the Bonferroni-adjusted p-value, {@code min(1, pValue × tested features)}
 * @param degreesOfFreedom the chi-squared test's degrees of freedom; 0 for KS
 * @param psi the population stability index over the same bins or categories (empty bins count as 1e-4)
 * @param observations finite observations of the feature in the window (requests × rows)
 * @param baselineObservations finite baseline observations compared (the sample for numeric features)
 * @param nan NaN observations in the window, left out of every statistic
 * @param infinite infinite observations in the window, left out of every statistic
 */
public record FeatureDrift(int index, String name, String test, double statistic, double pValue, double score,
    boolean drifted, double adjustedPValue, int degreesOfFreedom, double psi, long observations,
    long baselineObservations, long nan, long infinite) {

  void writeTo(JsonText json) {
    json.beginObject()
        .field("index", index)
        .field("test", test)
        .field("statistic", statistic)
        .field("pValue", pValue)
        .field("score", score)
        .field("drifted", drifted)
        .field("name", name)
        .field("adjustedPValue", adjustedPValue)
        .field("degreesOfFreedom", degreesOfFreedom)
        .field("psi", psi)
        .field("observations", observations)
        .field("baselineObservations", baselineObservations)
        .field("nan", nan)
        .field("infinite", infinite)
        .endObject();
  }
}
