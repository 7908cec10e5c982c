package io.sluice.gateway.drift;

/**
 * Independent reference values for the statistics tests, computed from first principles (closed forms and
 * plain numerical integration), sharing no code with the implementation.
 */
final class Reference {
  private Reference() {}

  /**
   * {@code erfc(z) = 2/sqrt(π) ∫_z^∞ exp(-t²) dt} for {@code z >= 0}, by composite Simpson integration of
   * {@code exp(-z²) ∫_0^∞ exp(-2zs - s²) ds}: factoring out {@code exp(-z²)} keeps the relative error tiny
   * (about 1e-13) even far in the tail.
   */
  static double erfc(double z) {
    double length = 10;
    int intervals = 200_000;
    double h = length / intervals;
    double sum = integrand(z, 0) + integrand(z, length);
    for (int i = 1; i < intervals; i++) {
      sum += integrand(z, i * h) * (i % 2 == 1 ? 4 : 2);
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum * h / 3;
  }

  private static double integrand(double z, double s) {
    return Math.exp(-2 * z * s - s * s);
  }

  /** The chi-squared upper tail for an even number of degrees of freedom: {@code e^(-x/2) Σ_{i<k} (x/2)^i / i!}. */
  static double chiSquaredSurvivalEven(double x, int degreesOfFreedom) {
    double y = x / 2;
    double term = 1;
    double sum = 1;
    for (int i = 1; i < degreesOfFreedom / 2; i++) {
      term *= y / i;
      sum += term;
    }
    return Math.exp(-y) * sum;
  }

  /** The chi-squared upper tail for 1 degree of freedom: {@code erfc(sqrt(x / 2))}. */
  static double chiSquaredSurvivalOne(double x) {
    return erfc(Math.sqrt(x / 2));
  }

  /** The chi-squared upper tail for 3 degrees of freedom: {@code erfc(sqrt(y)) + 2 sqrt(y/π) e^(-y)}, y = x/2. */
  static double chiSquaredSurvivalThree(double x) {
    double y = x / 2;
    return erfc(Math.sqrt(y)) + 2 * Math.sqrt(y / Math.PI) * Math.exp(-y);
  }

  /** {@code ln((n - 1)!)}. */
  static double logFactorialOf(int n) {
    double sum = 0;
    for (int i = 2; i < n; i++) {
      sum += Math.log(i);
    }
    return sum;
  }
}
