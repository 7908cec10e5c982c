package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistributionsTest {
  /** Relative accuracy required of every p-value: 1e-6 by the issue; we hold the code to 1e-9. */
  private static final double RELATIVE = 1e-9;

  @Test
  void logGammaMatchesFactorialsAndHalfIntegers() {
    for (int n = 1; n <= 60; n++) {
      assertThat(Distributions.logGamma(n)).isCloseTo(Reference.logFactorialOf(n), within(1e-12 * Math.max(1, n)));
    }
    // Γ(1/2) = sqrt(π), Γ(n + 1/2) = (2n)! sqrt(π) / (4^n n!)
    assertThat(Distributions.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-14));
    double logGammaSevenHalves = Math.log(15 * Math.sqrt(Math.PI) / 8);
    assertThat(Distributions.logGamma(3.5)).isCloseTo(logGammaSevenHalves, within(1e-14));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.001, 0.3, 0.77, 1.5, 4.2, 9.5, 10.5, 33.3, 250.25})
  void logGammaSatisfiesTheRecurrence(double x) {
    assertThat(Distributions.logGamma(x + 1)).isCloseTo(Distributions.logGamma(x) + Math.log(x), within(1e-12));
  }

  @Test
  void logGammaRejectsNonPositive() {
    assertThat(Distributions.logGamma(0)).isNaN();
    assertThat(Distributions.logGamma(-1)).isNaN();
    assertThat(Distributions.logGamma(Double.NaN)).isNaN();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.001, 0.1, 0.5, 1, 2, 3.841458820694124, 6.6348966, 10, 25, 60})
  void chiSquaredOneDegreeMatchesErfc(double x) {
    double expected = Reference.chiSquaredSurvivalOne(x);
    assertThat(Distributions.chiSquaredSurvival(x, 1)).isCloseTo(expected, withinPercentage(RELATIVE * 100));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.001, 0.2, 1, 2, 5.991464547107979, 10, 40, 200, 1400})
  void chiSquaredTwoDegreesIsExponential(double x) {
    assertThat(Distributions.chiSquaredSurvival(x, 2))
        .isCloseTo(Math.exp(-x / 2), withinPercentage(RELATIVE * 100));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.05, 1, 2.5, 7.81, 12, 30})
  void chiSquaredThreeDegreesMatchesClosedForm(double x) {
    assertThat(Distributions.chiSquaredSurvival(x, 3))
        .isCloseTo(Reference.chiSquaredSurvivalThree(x), withinPercentage(RELATIVE * 100));
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6, 10, 20, 50, 100})
  void chiSquaredEvenDegreesMatchClosedForm(int degreesOfFreedom) {
    for (double x : new double[] {0.5, degreesOfFreedom / 2.0, degreesOfFreedom, 2.0 * degreesOfFreedom,
        5.0 * degreesOfFreedom}) {
      assertThat(Distributions.chiSquaredSurvival(x, degreesOfFreedom))
          .as("df=%d x=%s", degreesOfFreedom, x)
          .isCloseTo(Reference.chiSquaredSurvivalEven(x, degreesOfFreedom), withinPercentage(RELATIVE * 100));
    }
  }

  @Test
  void chiSquaredTextbookCriticalValues() {
    // the 5% critical values printed in every chi-squared table
    assertThat(Distributions.chiSquaredSurvival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-12));
    assertThat(Distributions.chiSquaredSurvival(18.307038053275146, 10)).isCloseTo(0.05, within(1e-12));
  }

  @Test
  void chiSquaredEdgeCases() {
    assertThat(Distributions.chiSquaredSurvival(0, 3)).isEqualTo(1);
    assertThat(Distributions.chiSquaredSurvival(Double.POSITIVE_INFINITY, 3)).isEqualTo(0);
    assertThat(Distributions.chiSquaredSurvival(Double.NaN, 3)).isNaN();
    assertThat(Distributions.chiSquaredSurvival(1, 0)).isNaN();
    assertThat(Distributions.regularizedGammaP(2.5, 3) + Distributions.regularizedGammaQ(2.5, 3))
        .isCloseTo(1, within(1e-15));
  }

  @Test
  void kolmogorovSeriesAgreeWhereBothConverge() {
    // Jacobi's theta identity makes the two series equal; they share no terms, so agreement checks both
    for (double lambda = 0.4; lambda <= 1.6; lambda += 0.05) {
      double small = 1 - Distributions.kolmogorovCdfSmall(lambda);
      double large = Distributions.kolmogorovSurvivalLarge(lambda);
      assertThat(small).as("lambda %s", lambda).isCloseTo(large, withinPercentage(1e-10));
    }
  }

  @Test
  void kolmogorovTextbookCriticalValues() {
    // Smirnov's table: P(K > 1.22385) = 0.10, P(K > 1.35810) = 0.05, P(K > 1.62762) = 0.01
    assertThat(Distributions.kolmogorovSurvival(1.2238478702170825)).isCloseTo(0.10, within(1e-12));
    assertThat(Distributions.kolmogorovSurvival(1.3580986393225507)).isCloseTo(0.05, within(1e-12));
    assertThat(Distributions.kolmogorovSurvival(1.6276236115189502)).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void kolmogorovTailsAndEdges() {
    assertThat(Distributions.kolmogorovSurvival(0)).isEqualTo(1);
    assertThat(Distributions.kolmogorovSurvival(0.1)).isEqualTo(1);
    assertThat(Distributions.kolmogorovSurvival(Double.NaN)).isNaN();
    // far tail: the leading term 2 exp(-2 λ²) dominates
    assertThat(Distributions.kolmogorovSurvival(4)).isCloseTo(2 * Math.exp(-32), withinPercentage(1e-9));
    assertThat(Distributions.kolmogorovSurvival(40)).isEqualTo(0);
  }
}
