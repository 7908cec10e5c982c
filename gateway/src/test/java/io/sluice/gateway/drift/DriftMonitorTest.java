package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
  private static final List<TensorSpec> INPUTS = List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 2}));
  private static final FeatureLayout LAYOUT = FeatureLayout.of(INPUTS, 8);

  private static List<InputValues> row(float first, float second) {
    return List.of(new TensorValues(Tensors.ofFloats("x", new long[] {1, 2}, first, second)));
  }

  /** x[0] takes the values 0.5, 1.5, ..., 99.5 (numeric); x[1] is 0 or 1 (categorical). */
  private static List<FeatureComparison> baseline() {
    BaselineBuilder builder = new BaselineBuilder(LAYOUT, INPUTS);
    for (int i = 0; i < 100; i++) {
      builder.add(row(i + 0.5f, i % 2));
    }
    BaselineProfile profile = builder.build();
    assertThat(profile.featureKinds()).containsExactly("numeric", "categorical");
    List<FeatureComparison> comparisons = new ArrayList<>();
    for (FeatureProfile feature : profile.features()) {
      comparisons.add(new FeatureComparison(feature));
    }
    return comparisons;
  }

  private static DriftMonitor monitor(int window, Duration time) {
    DriftSettings settings = new DriftSettings(1, Optional.empty(), 10, window, time, 0.05, 0.5, Optional.empty());
    return new DriftMonitor("m", "1", settings, LAYOUT, baseline(), 100);
  }

  @Test
  void aWindowClosesAfterItsCountOfSamples() {
    DriftMonitor monitor = monitor(3, Duration.ZERO);
    assertThat(monitor.add(row(1.5f, 0), 10)).isNull();
    assertThat(monitor.add(row(2.5f, 1), 20)).isNull();
    DriftReport collecting = monitor.report();
    assertThat(collecting.state()).isEqualTo(DriftReport.COLLECTING);
    assertThat(collecting.windowSamples()).isEqualTo(2);
    assertThat(collecting.driftShare()).isNaN();
    DriftReport report = monitor.add(row(3.5f, 0), 30);
    assertThat(report).isNotNull().isSameAs(monitor.report());
    assertThat(report.state()).isEqualTo(DriftReport.READY);
    assertThat(report.windowSamples()).isEqualTo(3);
    assertThat(report.windowStartMillis()).isEqualTo(10);
    assertThat(report.windowEndMillis()).isEqualTo(30);
    assertThat(report.windowsTested()).isEqualTo(1);
    assertThat(report.features()).extracting(FeatureDrift::test).containsExactly("ks", "chi2");
    assertThat(report.features().get(0).observations()).isEqualTo(3);
    assertThat(report.features().get(0).baselineObservations()).isEqualTo(100);
  }

  @Test
  void aWindowAlsoClosesWhenItsTimeIsUp() {
    DriftMonitor monitor = monitor(1_000, Duration.ofSeconds(10));
    assertThat(monitor.expire(5_000)).isNull(); // empty windows never close
    assertThat(monitor.add(row(1.5f, 0), 1_000)).isNull();
    assertThat(monitor.add(row(2.5f, 1), 9_000)).isNull();
    assertThat(monitor.expire(10_999)).isNull();
    DriftReport report = monitor.expire(11_000);
    assertThat(report).isNotNull();
    assertThat(report.windowSamples()).isEqualTo(2);
    assertThat(monitor.expire(30_000)).isNull();
  }

  @Test
  void theBaselineAgainstItselfShowsNoDrift() {
    DriftMonitor monitor = monitor(100, Duration.ZERO);
    DriftReport report = null;
    for (int i = 0; i < 100; i++) {
      report = monitor.add(row(i + 0.5f, i % 2), i);
    }
    assertThat(report).isNotNull();
    assertThat(report.drifting()).isFalse();
    assertThat(report.driftShare()).isZero();
    for (FeatureDrift feature : report.features()) {
      assertThat(feature.statistic()).as(feature.name()).isCloseTo(0, within(1e-12));
      assertThat(feature.pValue()).as(feature.name()).isCloseTo(1, within(1e-12));
      assertThat(feature.psi()).as(feature.name()).isCloseTo(0, within(1e-12));
      assertThat(feature.score()).as(feature.name()).isCloseTo(0, within(1e-12));
      assertThat(feature.drifted()).isFalse();
    }
  }

  @Test
  void nanAndInfinityAreCountedApartAndNeverBreakATest() {
    DriftMonitor monitor = monitor(4, Duration.ZERO);
    monitor.add(row(Float.NaN, 0), 1);
    monitor.add(row(Float.POSITIVE_INFINITY, Float.NaN), 2);
    monitor.add(row(Float.NEGATIVE_INFINITY, 1), 3);
    DriftReport report = monitor.add(row(Float.NaN, Float.POSITIVE_INFINITY), 4);
    FeatureDrift numeric = report.features().get(0);
    assertThat(numeric.nan()).isEqualTo(2);
    assertThat(numeric.infinite()).isEqualTo(2);
    assertThat(numeric.observations()).isZero();
    assertThat(numeric.statistic()).isNaN(); // nothing finite to test
    assertThat(numeric.drifted()).isFalse();
    FeatureDrift categorical = report.features().get(1);
    assertThat(categorical.nan()).isEqualTo(1);
    assertThat(categorical.infinite()).isEqualTo(1);
    assertThat(categorical.observations()).isEqualTo(2);
    assertThat(categorical.pValue()).isBetween(0.0, 1.0);
    assertThat(report.nan()).isEqualTo(3);
    assertThat(report.infinite()).isEqualTo(3);
    // only the categorical feature was tested, so Bonferroni multiplies by one
    assertThat(categorical.adjustedPValue()).isEqualTo(categorical.pValue());
    assertThat(report.toJson()).contains("\"statistic\":null,\"pValue\":null");
  }

  @Test
  void aShiftedWindowDrifts() {
    DriftMonitor monitor = monitor(50, Duration.ZERO);
    DriftReport report = null;
    for (int i = 0; i < 50; i++) {
      report = monitor.add(row(200 + i, 5), i); // x[0] beyond the baseline, x[1] an unseen category
    }
    assertThat(report.drifting()).isTrue();
    assertThat(report.driftShare()).isEqualTo(1);
    assertThat(report.features()).allMatch(FeatureDrift::drifted);
    assertThat(report.features().get(0).statistic()).isEqualTo(1);
    // baseline: 10% in each decile bin; window: all in the top bin (89.5, inf)
    double log2 = Math.log(2);
    double divergence = 0.5 * (9 * 0.1 * Math.log(0.1 / 0.05) / log2 + 0.1 * Math.log(0.1 / 0.55) / log2)
        + 0.5 * Math.log(1 / 0.55) / log2;
    assertThat(report.features().get(0).score()).isCloseTo(Math.sqrt(divergence), within(1e-12));
  }
}
