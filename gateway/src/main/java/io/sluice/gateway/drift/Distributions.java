package io.sluice.gateway.drift;

/**
 * The special functions behind the p-values: log-gamma, the regularized incomplete gamma functions (hence the
 * chi-squared upper tail) and the Kolmogorov distribution's upper tail. Pure functions, accurate to about 1e-14
 * relative in the ranges the tests use.
 */
final class Distributions {
  private static final double EPSILON = 1e-15;
  private static final double TINY = 1e-300;
  private static final int MAX_ITERATIONS = 100_000;
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
  private static final double STIRLING_MIN = 10;

  private Distributions() {}

  /**
   * {@code ln Γ(x)} for {@code x > 0}: Stirling's series (terms to {@code z^-13}, error below 1e-16 for
   * {@code z >= 10}) after shifting small arguments up with {@code Γ(x) = Γ(x + k) / (x (x+1) ... (x+k-1))}.
   */
  static double logGamma(double x) {
    if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
      return x == Double.POSITIVE_INFINITY ? x : Double.NaN;
    }
    double shift = 0;
    double z = x;
    double product = 1;
    while (z < STIRLING_MIN) {
      product *= z;
      z += 1;
      // products of at most ten factors below ten stay far from overflow; only underflow needs care
      if (product < 1e-250) {
        shift += Math.log(product);
        product = 1;
      }
    }
    shift += Math.log(product);
    double inverse = 1 / z;
    double inverseSquared = inverse * inverse;
    double series = inverse * (1.0 / 12 + inverseSquared * (-1.0 / 360 + inverseSquared * (1.0 / 1260
        + inverseSquared * (-1.0 / 1680 + inverseSquared * (1.0 / 1188 + inverseSquared * (-691.0 / 360360
        + inverseSquared / 156))))));
    return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series - shift;
  }

  /** The regularized lower incomplete gamma function {@code P(a, x)}; {@code a > 0, x >= 0}. */
  static double regularizedGammaP(double a, double x) {
    if (Double.isNaN(a) || Double.isNaN(x) || a <= 0 || x < 0) {
      return Double.NaN;
    }
    if (x == 0) {
      return 0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 1;
    }
    return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
  }

  /** The regularized upper incomplete gamma function {@code Q(a, x) = 1 - P(a, x)}; {@code a > 0, x >= 0}. */
  static double regularizedGammaQ(double a, double x) {
    if (Double.isNaN(a) || Double.isNaN(x) || a <= 0 || x < 0) {
      return Double.NaN;
    }
    if (x == 0) {
      return 1;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    // Each branch evaluates the side that is not close to 1, so the small tail never comes from a subtraction.
    return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
  }

  /**
   * The chi-squared distribution's upper tail {@code P(X >= statistic)} with {@code degreesOfFreedom > 0}:
   * {@code Q(df / 2, statistic / 2)}.
   */
  static double chiSquaredSurvival(double statistic, double degreesOfFreedom) {
    if (Double.isNaN(statistic) || !(degreesOfFreedom > 0)) {
      return Double.NaN;
    }
    if (statistic <= 0) {
      return 1;
    }
    return regularizedGammaQ(degreesOfFreedom / 2, statistic / 2);
  }

  /**
   * The upper tail of the Kolmogorov distribution, {@code P(K > lambda)}, the limit of
   * {@code sqrt(n) D_n}. Two series, each used where it converges fast and without cancellation:
   * {@code 2 Σ (-1)^(k-1) exp(-2 k² λ²)} for {@code λ >= 1}, and
   * {@code 1 - sqrt(2π)/λ Σ exp(-(2k-1)² π² / (8 λ²))}
   * below (Jacobi's theta identity makes them equal).
   */
  static double kolmogorovSurvival(double lambda) {
    if (Double.isNaN(lambda)) {
      return Double.NaN;
    }
    if (lambda <= 0) {
      return 1;
    }
    if (lambda < 1) {
      return Math.min(1, Math.max(0, 1 - kolmogorovCdfSmall(lambda)));
    }
    return Math.min(1, Math.max(0, kolmogorovSurvivalLarge(lambda)));
  }

  /** {@code P(K <= λ)} by the series in odd multiples of π; fast for small λ. */
  static double kolmogorovCdfSmall(double lambda) {
    double factor = -Math.PI * Math.PI / (8 * lambda * lambda);
    double sum = 0;
    for (int k = 1; k < MAX_ITERATIONS; k++) {
      double odd = 2 * k - 1;
      double term = Math.exp(factor * odd * odd);
      sum += term;
      if (term <= EPSILON * sum) {
        break;
      }
    }
    return SQRT_TWO_PI / lambda * sum;
  }

  /** {@code P(K > λ)} by the alternating series; fast for λ around 1 and above. */
  static double kolmogorovSurvivalLarge(double lambda) {
    double factor = -2 * lambda * lambda;
    double sum = 0;
    double sign = 1;
    for (int k = 1; k < MAX_ITERATIONS; k++) {
      double term = Math.exp(factor * k * k);
      sum += sign * term;
      if (term <= EPSILON * Math.abs(sum)) {
        break;
      }
      sign = -sign;
    }
    return 2 * sum;
  }

  /** {@code P(a, x)} by its power series; converges quickly for {@code x < a + 1}. */
  private static double gammaSeries(double a, double x) {
    double term = 1 / a;
    double sum = term;
    double denominator = a;
    for (int n = 1; n < MAX_ITERATIONS; n++) {
      denominator += 1;
      term *= x / denominator;
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) {
        break;
      }
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }

  /** {@code Q(a, x)} by its continued fraction (modified Lentz); converges quickly for {@code x >= a + 1}. */
  private static double gammaContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < EPSILON) {
        break;
      }
    }
    return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
  }
}
