package io.sluice.canary.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.canary.gates.GateResult.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateEvaluatorTest {
  private static final Gates GATES = Gates.DEFAULTS;
  private static final VersionWindow STABLE = VersionWindow.of(1000, 2, 1000);

  private static GateResult gate(List<GateResult> results, Gate gate) {
    return results.stream().filter(r -> r.gate() == gate).findFirst().orElseThrow();
  }

  @Test
  void healthyCanaryPassesEveryGateWithData() {
    List<GateResult> results = GateEvaluator.evaluate(GATES, new VersionWindow(500, 1, 1200, 0.01), STABLE, 0.05);
    assertThat(results).extracting(GateResult::gate).containsExactly(Gate.values());
    assertThat(results).extracting(GateResult::verdict).containsOnly(Verdict.PASS);
    assertThat(GateEvaluator.anyFailed(results)).isFalse();
  }

  @Test
  void halfFailingCanaryFailsBothErrorGatesWithTheNumbers() {
    List<GateResult> results = GateEvaluator.evaluate(GATES, VersionWindow.of(1000, 500, 1000), STABLE, Double.NaN);
    GateResult cap = gate(results, Gate.ERROR_RATE);
    assertThat(cap.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(cap.value()).isEqualTo(0.5);
    assertThat(cap.threshold()).isEqualTo(0.01);
    assertThat(cap.detail()).isEqualTo("canary error rate 0.5000 (500 of 1000) > max 0.0100");
    GateResult margin = gate(results, Gate.ERROR_RATE_MARGIN);
    assertThat(margin.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(margin.baseline()).isEqualTo(0.002);
    assertThat(margin.threshold()).isEqualTo(0.012, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void marginComparesWithStable() {
    Gates lenientCap = new Gates(1.0, 0.01, 1.5, 0.1, 0.2, 20);
    VersionWindow noisyStable = VersionWindow.of(1000, 50, 1000);
    assertThat(gate(GateEvaluator.evaluate(lenientCap, VersionWindow.of(1000, 55, 1000), noisyStable, Double.NaN),
        Gate.ERROR_RATE_MARGIN).verdict()).isEqualTo(Verdict.PASS);
    assertThat(gate(GateEvaluator.evaluate(lenientCap, VersionWindow.of(1000, 70, 1000), noisyStable, Double.NaN),
        Gate.ERROR_RATE_MARGIN).verdict()).isEqualTo(Verdict.FAIL);
    // exactly at the limit passes
    assertThat(gate(GateEvaluator.evaluate(lenientCap, VersionWindow.of(1000, 60, 1000), noisyStable, Double.NaN),
        Gate.ERROR_RATE_MARGIN).verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void slowCanaryFailsTheLatencyGate() {
    GateResult latency = gate(GateEvaluator.evaluate(GATES, VersionWindow.of(1000, 0, 4000), STABLE, Double.NaN),
        Gate.LATENCY_RATIO);
    assertThat(latency.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(latency.value()).isEqualTo(4.0);
    assertThat(latency.baseline()).isEqualTo(1000);
    assertThat(latency.detail()).isEqualTo("canary p99 4000 us / stable p99 1000 us = 4.000 > max 1.500");
  }

  @Test
  void tooFewRequestsSkipInsteadOfFailing() {
    List<GateResult> results = GateEvaluator.evaluate(GATES, VersionWindow.of(5, 5, 9000), STABLE, Double.NaN);
    assertThat(gate(results, Gate.ERROR_RATE).verdict()).isEqualTo(Verdict.SKIPPED);
    assertThat(gate(results, Gate.ERROR_RATE).detail()).isEqualTo("canary has 5 requests in the window (need 20"
        + " to judge)");
    assertThat(gate(results, Gate.LATENCY_RATIO).verdict()).isEqualTo(Verdict.SKIPPED);
    assertThat(GateEvaluator.anyFailed(results)).isFalse();
    List<GateResult> noStable = GateEvaluator.evaluate(GATES, VersionWindow.of(100, 0, 900), VersionWindow.EMPTY,
        Double.NaN);
    assertThat(gate(noStable, Gate.ERROR_RATE).verdict()).isEqualTo(Verdict.PASS);
    assertThat(gate(noStable, Gate.ERROR_RATE_MARGIN).verdict()).isEqualTo(Verdict.SKIPPED);
    assertThat(gate(noStable, Gate.LATENCY_RATIO).verdict()).isEqualTo(Verdict.SKIPPED);
  }

  @Test
  void outputDiffAndDriftAreSkippedWithoutDataAndFailAboveTheirCaps() {
    List<GateResult> none = GateEvaluator.evaluate(GATES, VersionWindow.of(100, 0, 1000), STABLE, Double.NaN);
    assertThat(gate(none, Gate.OUTPUT_DIFF).verdict()).isEqualTo(Verdict.SKIPPED);
    assertThat(gate(none, Gate.DRIFT_SCORE).verdict()).isEqualTo(Verdict.SKIPPED);
    List<GateResult> bad = GateEvaluator.evaluate(GATES, new VersionWindow(100, 0, 1000, 0.3), STABLE, 0.5);
    assertThat(gate(bad, Gate.OUTPUT_DIFF).verdict()).isEqualTo(Verdict.FAIL);
    assertThat(gate(bad, Gate.OUTPUT_DIFF).detail()).isEqualTo("mean output difference 0.300 > max 0.100");
    assertThat(gate(bad, Gate.DRIFT_SCORE).verdict()).isEqualTo(Verdict.FAIL);
    List<GateResult> nonFinite = GateEvaluator.evaluate(GATES,
        new VersionWindow(100, 0, 1000, Double.POSITIVE_INFINITY), STABLE, Double.NaN);
    assertThat(gate(nonFinite, Gate.OUTPUT_DIFF).verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void thresholdsAndWindowsAreValidated() {
    assertThatThrownBy(() -> new Gates(1.5, 0.01, 1.5, 0.1, 0.2, 20))
        .hasMessage("maxErrorRate: 1.5 (expected: 0..1)");
    assertThatThrownBy(() -> new Gates(0.01, 0.01, 0, 0.1, 0.2, 20))
        .hasMessage("maxLatencyRatio: 0.0 (expected: > 0)");
    assertThatThrownBy(() -> new Gates(0.01, 0.01, 1.5, Double.NaN, 0.2, 20))
        .hasMessage("maxOutputDiff: NaN (expected: >= 0)");
    assertThatThrownBy(() -> new Gates(0.01, 0.01, 1.5, 0.1, 0.2, 0))
        .hasMessage("minWindowRequests: 0 (expected: >= 1)");
    assertThatThrownBy(() -> VersionWindow.of(10, 11, 1)).hasMessage("errors: 11 (expected: 0..10)");
    assertThatThrownBy(() -> VersionWindow.of(-1, 0, 1)).hasMessage("requests: -1 (expected: >= 0)");
  }
}
