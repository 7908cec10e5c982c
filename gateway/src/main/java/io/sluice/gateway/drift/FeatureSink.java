package io.sluice.gateway.drift;

/** Receives the observations {@link FeatureLayout#extract} finds, one call per observation. */
interface FeatureSink {
  /** A numeric observation of feature {@code feature}; may be NaN or infinite. */
  void number(int feature, double value);

  /** A categorical observation (a BYTES element's category key) of feature {@code feature}. */
  void category(int feature, String key);
}
