package io.sluice.gateway.drift;

/** How a feature is compared with its baseline. */
enum FeatureKind {
  /** Kolmogorov–Smirnov on raw values; PSI and Jensen–Shannon over the baseline's decile bins. */
  NUMERIC("numeric", "ks"),
  /** Chi-squared on category counts; PSI and Jensen–Shannon over the categories. */
  CATEGORICAL("categorical", "chi2");

  private final String jsonName;
  private final String test;

  FeatureKind(String jsonName, String test) {
    this.jsonName = jsonName;
    this.test = test;
  }

  /** The name in baseline files. */
  String jsonName() {
    return jsonName;
  }

  /** The test's name in reports: {@code ks} or {@code chi2}. */
  String test() {
    return test;
  }

  /** The kind named {@code name} in a baseline file, or null. */
  static FeatureKind fromJsonName(String name) {
    for (FeatureKind kind : values()) {
      if (kind.jsonName.equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
