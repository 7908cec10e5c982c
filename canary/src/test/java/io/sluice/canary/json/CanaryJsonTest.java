package io.sluice.canary.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.canary.gates.Gate;
import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.Gates;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Decision;
import io.sluice.canary.rollout.Evaluation;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutPlan;
import io.sluice.canary.rollout.RolloutState;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanaryJsonTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static String rejected(Runnable parse) {
    try {
      parse.run();
    } catch (InferenceException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).doesNotContain("com.fasterxml", "Exception", "/tmp");
      return e.getMessage();
    }
    throw new AssertionError("expected a rejection");
  }

  @Test
  void parsesTheContractTrafficBody() {
    TrafficPolicy policy = CanaryJson.parseTraffic("m",
        "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":10}],"
            + "\"shadow\":{\"version\":\"3\",\"percent\":5}}");
    assertThat(policy).isEqualTo(new TrafficPolicy(1, List.of(Candidate.of(2, 10)), Shadow.of(3, 5), false));
  }

  @Test
  void rendersTrafficSoItCanBeSentBack() {
    TrafficPolicy policy = new TrafficPolicy(1, List.of(Candidate.of(2, 10)), Shadow.of(3, 5), true);
    String json = CanaryJson.renderTraffic("m", policy);
    assertThat(json).isEqualTo("{\"model\":\"m\",\"stable\":\"1\",\"stableWeight\":90,\"candidates\":[{\"version\":"
        + "\"2\",\"weight\":10}],\"shadow\":{\"version\":\"3\",\"percent\":5},\"sticky\":true}");
    assertThat(CanaryJson.parseTraffic("m", json)).isEqualTo(policy);
    assertThat(CanaryJson.renderTraffic("m", TrafficPolicy.of(4))).contains("\"shadow\":null");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":-5}]}"
          + "| candidates[0].weight: -5 (expected: an integer 0..100)",
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":60},{\"version\":\"3\",\"weight\":50}]}"
          + "| weights: candidates sum to 110 (expected: at most 100; the stable version gets 100 minus their sum)",
      "{\"stable\":\"1\",\"stableWeight\":80,\"candidates\":[{\"version\":\"2\",\"weight\":10}]}"
          + "| weights: stable 80 + candidates 10 = 90 (expected: 100)",
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":10.5}]}"
          + "| candidates[0].weight: 10.5 (expected: an integer 0..100)",
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":\"10\"}]}"
          + "| candidates[0].weight: \"10\" (expected: an integer 0..100)",
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":5},{\"version\":\"2\",\"weight\":5}]}"
          + "| candidates[1].version: 2 (expected: each version at most once)",
      "{\"stable\":\"x1\"}| stable: \"x1\" (expected: a version number such as \"1\")",
      "{\"candidates\":[]}| stable: missing (expected: a value)",
      "{\"stable\":\"1\",\"shadow\":{\"version\":\"3\",\"percent\":150}}"
          + "| shadow.percent: 150 (expected: an integer 0..100)",
      "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weigth\":5}]}"
          + "| unknown field 'weigth' in candidates[0] (expected: version, weight)",
      "{\"stable\":\"1\",\"model\":\"other\"}"
          + "| model: 'other' (expected: 'm' as in the path, or no model field)",
      "[1,2]| body: an array (expected: an object)",
      "{\"stable\":\"1\",\"candidates\":{}}| candidates: an object (expected: an array of {\"version\", \"weight\"})",
  })
  void rejectsBadTrafficBodiesWithTheField(String body, String message) {
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", body))).isEqualTo(message);
  }

  @Test
  void rejectsMalformedJson() {
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", "{\"stable\":"))).startsWith("malformed JSON at line 1");
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", ""))).isEqualTo(
        "malformed JSON: empty body (expected: a JSON object)");
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", "{\"stable\":\"1\"} {}")))
        .isEqualTo("malformed JSON at line 1, column 16: Trailing token (of type START_OBJECT) found after value");
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", "{\"stable\":\"1\"")))
        .isEqualTo("malformed JSON at line 1, column 14: Unexpected end-of-input: expected close marker for Object");
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", "{\"stable\":\"1\",\"stable\":\"2\"}")))
        .contains("Duplicate field 'stable'");
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThat(rejected(() -> CanaryJson.parseTraffic("m", deep))).endsWith(": too deeply nested or too long");
  }

  @Test
  void parsesTheContractRolloutBodyAndFillsDefaults() {
    RolloutPlan plan = CanaryJson.parseRolloutPlan("{\"version\":\"2\",\"steps\":[5,25,50,100],\"stepSeconds\":30,"
        + "\"minRequests\":200,\"gates\":{\"maxErrorRate\":0.01,\"maxLatencyRatio\":1.5,\"maxOutputDiff\":0.1,"
        + "\"maxDriftScore\":0.2}}");
    assertThat(plan).isEqualTo(RolloutPlan.builder(2).steps(5, 25, 50, 100).stepSeconds(30).minRequests(200).build());
    assertThat(CanaryJson.parseRolloutPlan("{\"version\":2}")).isEqualTo(RolloutPlan.of(2));
    RolloutPlan partial = CanaryJson.parseRolloutPlan("{\"version\":\"2\",\"gates\":{\"maxLatencyRatio\":2}}");
    assertThat(partial.gates()).isEqualTo(new Gates(0.01, 0.01, 2, 0.1, 0.2, 20));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}| version: missing (expected: a value)",
      "{\"version\":\"2\",\"steps\":[25,5]}| steps[1]: 5 (expected: > steps[0] = 25)",
      "{\"version\":\"2\",\"steps\":[0]}| steps[0]: 0 (expected: an integer 1..100)",
      "{\"version\":\"2\",\"steps\":[]}| steps: [] (expected: at least one weight in 1..100)",
      "{\"version\":\"2\",\"stepSeconds\":-1}| stepSeconds: -1 (expected: an integer >= 0)",
      "{\"version\":\"2\",\"gates\":{\"maxErrorRate\":2}}| gates.maxErrorRate: 2.0 (expected: 0..1)",
      "{\"version\":\"2\",\"gates\":{\"maxLatency\":2}}"
          + "| unknown field 'maxLatency' in gates (expected: errorRateMargin,"
          + " maxDriftScore, maxErrorRate, maxLatencyRatio, maxOutputDiff, minWindowRequests)",
      "{\"version\":\"2\",\"gates\":{\"maxErrorRate\":\"low\"}}| gates.maxErrorRate: \"low\" (expected: a number)",
  })
  void rejectsBadRolloutBodiesWithTheField(String body, String message) {
    assertThat(rejected(() -> CanaryJson.parseRolloutPlan(body))).isEqualTo(message);
  }

  @Test
  void rolloutRoundTripsWithItsEvaluationAndWritesNonFiniteNumbersAsNull() {
    Evaluation evaluation = new Evaluation(T0.plusSeconds(10), Decision.ROLLBACK, "rolled back: ...", 5, 60, 2,
        new VersionWindow(1000, 500, 1200.5, Double.POSITIVE_INFINITY), Double.NaN, 1,
        VersionWindow.of(2000, 2, 1000), 1000, 10,
        List.of(new GateResult(Gate.ERROR_RATE, GateResult.Verdict.FAIL, 0.5, Double.NaN, 0.01, "too many"),
            new GateResult(Gate.DRIFT_SCORE, GateResult.Verdict.SKIPPED, Double.NaN, Double.NaN, 0.2, "no score")));
    Rollout rollout = new Rollout(RolloutPlan.builder(2).stepSeconds(30).build(), 1, RolloutState.ROLLED_BACK, 0, 0,
        T0, T0, T0.plusSeconds(10), "rolled back: ...", T0.plusSeconds(10), evaluation);
    String json = CanaryJson.renderRollout("m", rollout);
    JsonNode node = CanaryJson.read(json);
    assertThat(node.get("version").asText()).isEqualTo("2");
    assertThat(node.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(node.get("weight").asInt()).isZero();
    assertThat(node.get("reason").asText()).isEqualTo("rolled back: ...");
    JsonNode last = node.get("lastEvaluation");
    assertThat(last.get("canary").get("errorRate").asDouble()).isEqualTo(0.5);
    assertThat(last.get("canary").get("driftScore").isNull()).isTrue();
    assertThat(last.get("canary").get("meanOutputDiff").asText()).isEqualTo("Infinity");
    assertThat(last.get("gates").get(0).get("baseline").isNull()).isTrue();
    assertThat(last.get("gates").get(0).get("value").asDouble()).isEqualTo(0.5);
    assertThat(json).doesNotContain("NaN");

    Rollout back = CanaryJson.rolloutFromNode(node, "rollout");
    assertThat(back.plan()).isEqualTo(rollout.plan());
    assertThat(back.state()).isEqualTo(rollout.state());
    assertThat(back.stepStartedAt()).isEqualTo(rollout.stepStartedAt());
    assertThat(back.lastEvaluation().canary()).isEqualTo(evaluation.canary());
    assertThat(back.lastEvaluation().gates()).hasSize(2);
    assertThat(CanaryJson.renderRollout("m", back)).isEqualTo(json);
  }
}
