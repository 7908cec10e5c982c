package io.sluice.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.canary.gates.Gate;
import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.gates.WindowedSignals;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.testing.FakeSignals;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutControllerTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final RolloutPlan PLAN = RolloutPlan.builder(2).steps(5, 25, 50, 100).stepSeconds(30)
      .minRequests(200).build();

  private final FakeSignals signals = new FakeSignals();
  private final RolloutController controller = new RolloutController(signals);
  private TrafficPolicy policy = TrafficPolicy.of(1);
  private Rollout rollout;

  private RolloutChange start(RolloutPlan plan) {
    RolloutChange change = controller.start("m", policy, rollout, plan, T0);
    accept(change);
    return change;
  }

  private RolloutChange tick(long secondsAfterStart) {
    RolloutChange change = controller.tick("m", policy, rollout, T0.plusSeconds(secondsAfterStart));
    if (change != null) {
      accept(change);
    }
    return change;
  }

  private void accept(RolloutChange change) {
    policy = change.policy();
    rollout = change.rollout();
  }

  private static InferenceException invalid(Runnable action) {
    try {
      action.run();
    } catch (InferenceException e) {
      return e;
    }
    throw new AssertionError("expected an InferenceException");
  }

  @Test
  void startPutsTheCanaryAtTheFirstStep() {
    RolloutChange change = start(PLAN);
    assertThat(change.kind()).isEqualTo(RolloutChange.Kind.START);
    assertThat(policy.weight(2)).isEqualTo(5);
    assertThat(policy.stableWeight()).isEqualTo(95);
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(rollout.stepIndex()).isZero();
    assertThat(rollout.stable()).isEqualTo(1);
    assertThat(rollout.stepStartedAt()).isEqualTo(T0);
  }

  @Test
  void startIsRejectedWithoutStableTwiceOrOnTheStableVersion() {
    InferenceException noStable = invalid(() -> controller.start("m", null, null, PLAN, T0));
    assertThat(noStable.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(noStable).hasMessageContaining("model 'm' has no stable version");

    start(PLAN);
    assertThat(invalid(() -> controller.start("m", policy, rollout, RolloutPlan.of(3), T0)))
        .hasMessage("model 'm' already has a RUNNING rollout of version 2 (expected: one rollout at a time; promote"
            + " or roll it back first)");
    assertThat(invalid(() -> controller.start("m", TrafficPolicy.of(1), null, RolloutPlan.of(1), T0)))
        .hasMessage("version: 1 (expected: a version other than the stable version 1)");
    assertThat(invalid(() -> controller.start("m", TrafficPolicy.of(1, Candidate.of(3, 10)), null,
        RolloutPlan.of(2), T0)))
        .hasMessage("steps: the last step 100 plus the other candidates' weights 10 is 110 (expected: at most 100)");
  }

  @Test
  void halfFailingCanaryIsRolledBackWithTheNumbers() {
    start(PLAN);
    signals.set("m", 2, 1000, 500, 1000).set("m", 1, 20_000, 20, 1000);
    RolloutChange change = tick(10);
    assertThat(change.kind()).isEqualTo(RolloutChange.Kind.ROLLBACK);
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(rollout.weight()).isZero();
    assertThat(policy.weight(2)).isZero();
    assertThat(policy.stableWeight()).isEqualTo(100);
    assertThat(change.reason()).startsWith("rolled back: gate errorRate failed: canary error rate 0.5000 (500 of"
        + " 1000) > max 0.0100; gate errorRateMargin failed");
    Evaluation evaluation = change.evaluation();
    assertThat(evaluation.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(evaluation.canary()).isEqualTo(VersionWindow.of(1000, 500, 1000));
    assertThat(evaluation.stable().requests()).isEqualTo(20_000);
    assertThat(evaluation.gates()).filteredOn(GateResult::failed).extracting(GateResult::gate)
        .containsExactly(Gate.ERROR_RATE, Gate.ERROR_RATE_MARGIN);
    assertThat(rollout.lastEvaluation()).isEqualTo(evaluation);
    assertThat(tick(1000)).as("a finished rollout is not evaluated").isNull();
  }

  @Test
  void slowCanaryIsRolledBackOnTheLatencyGate() {
    start(PLAN);
    signals.set("m", 2, 1000, 0, 4000).set("m", 1, 20_000, 0, 1000);
    RolloutChange change = tick(10);
    assertThat(change.kind()).isEqualTo(RolloutChange.Kind.ROLLBACK);
    assertThat(change.evaluation().gates()).filteredOn(GateResult::failed).singleElement()
        .satisfies(gate -> {
          assertThat(gate.gate()).isEqualTo(Gate.LATENCY_RATIO);
          assertThat(gate.value()).isEqualTo(4.0);
        });
    assertThat(change.reason()).contains("latencyRatio").contains("4.000 > max 1.500");
  }

  @Test
  void healthyCanaryAdvancesOnlyAfterHoldTimeAndRequestsThenPromotes() {
    start(PLAN);
    signals.set("m", 1, 20_000, 10, 1000);
    signals.set("m", 2, 500, 0, 1100);
    RolloutChange early = tick(10);
    assertThat(early.kind()).isEqualTo(RolloutChange.Kind.HOLD);
    assertThat(early.reason()).isEqualTo("holding at 5%: held 10 of 30 s");
    assertThat(tick(15)).as("within the evaluation interval").isNull();

    signals.set("m", 2, 150, 0, 1100);
    RolloutChange fewRequests = tick(30);
    assertThat(fewRequests.kind()).isEqualTo(RolloutChange.Kind.HOLD);
    assertThat(fewRequests.reason()).isEqualTo("holding at 5%: 150 of 200 canary requests");

    signals.set("m", 2, 500, 0, 1100);
    RolloutChange advanced = tick(40);
    assertThat(advanced.kind()).isEqualTo(RolloutChange.Kind.ADVANCE);
    assertThat(rollout.stepIndex()).isEqualTo(1);
    assertThat(rollout.weight()).isEqualTo(25);
    assertThat(policy.weight(2)).isEqualTo(25);
    assertThat(rollout.stepStartedAt()).isEqualTo(T0.plusSeconds(40));
    assertThat(advanced.reason()).isEqualTo("all gates passed at 5% (500 canary requests in 40 s): advancing to 25%");

    assertThat(tick(50).kind()).as("the new step holds again").isEqualTo(RolloutChange.Kind.HOLD);
    assertThat(tick(70).kind()).isEqualTo(RolloutChange.Kind.ADVANCE);
    assertThat(tick(100).kind()).isEqualTo(RolloutChange.Kind.ADVANCE);
    assertThat(rollout.weight()).isEqualTo(100);
    assertThat(policy.stableWeight()).isZero();
    RolloutChange promoted = tick(130);
    assertThat(promoted.kind()).isEqualTo(RolloutChange.Kind.PROMOTE);
    assertThat(rollout.state()).isEqualTo(RolloutState.PROMOTED);
    assertThat(policy).isEqualTo(TrafficPolicy.of(2));
    assertThat(promoted.evaluation().decision()).isEqualTo(Decision.PROMOTE);
  }

  @Test
  void asksForTheSameWindowForBothVersionsAndTheStepLengthForRequests() {
    start(RolloutPlan.builder(2).windowSeconds(45).build());
    signals.set("m", 2, 500, 0, 1000).set("m", 1, 500, 0, 1000);
    tick(12);
    assertThat(signals.asked()).containsExactly(Duration.ofSeconds(45), Duration.ofSeconds(45),
        Duration.ofSeconds(12));
  }

  @Test
  void pausedRolloutHoldsButStillRollsBack() {
    start(PLAN);
    accept(controller.pause("m", policy, rollout, T0.plusSeconds(1), "alice"));
    assertThat(rollout.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(rollout.reason()).isEqualTo("paused by alice at 5%");
    assertThat(controller.pause("m", policy, rollout, T0.plusSeconds(2), "alice")).isNull();
    signals.set("m", 2, 1000, 0, 1000).set("m", 1, 1000, 0, 1000);
    RolloutChange held = tick(100);
    assertThat(held.kind()).isEqualTo(RolloutChange.Kind.HOLD);
    assertThat(held.reason()).isEqualTo("paused at 5%; gates pass");
    signals.set("m", 2, 1000, 900, 1000);
    assertThat(tick(200).kind()).isEqualTo(RolloutChange.Kind.ROLLBACK);
  }

  @Test
  void resumeContinuesFromAManualWeight() {
    start(PLAN);
    accept(controller.setWeight("m", policy.withCandidateWeight(2, 40), rollout, T0.plusSeconds(5), "bob"));
    assertThat(rollout.state()).isEqualTo(RolloutState.PAUSED);
    assertThat(rollout.weight()).isEqualTo(40);
    accept(controller.resume("m", policy, rollout, T0.plusSeconds(10), "bob"));
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(rollout.stepIndex()).as("the last step at or below 40%").isEqualTo(1);
    assertThat(rollout.weight()).isEqualTo(40);
    assertThat(rollout.stepStartedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(controller.resume("m", policy, rollout, T0.plusSeconds(11), "bob")).isNull();
    signals.set("m", 2, 1000, 0, 1000).set("m", 1, 1000, 0, 1000);
    assertThat(tick(100).kind()).isEqualTo(RolloutChange.Kind.ADVANCE);
    assertThat(rollout.weight()).isEqualTo(50);

    accept(controller.setWeight("m", policy.withCandidateWeight(2, 0), rollout, T0.plusSeconds(101), "bob"));
    accept(controller.resume("m", policy, rollout, T0.plusSeconds(102), "bob"));
    assertThat(rollout.stepIndex()).isZero();
    assertThat(rollout.weight()).isEqualTo(5);
    assertThat(policy.weight(2)).isEqualTo(5);
  }

  @Test
  void manualPromoteAndRollback() {
    start(PLAN);
    accept(controller.promote("m", policy, rollout, T0.plusSeconds(3), "carol"));
    assertThat(rollout.state()).isEqualTo(RolloutState.PROMOTED);
    assertThat(policy).isEqualTo(TrafficPolicy.of(2));
    assertThat(invalid(() -> controller.rollback("m", policy, rollout, T0, "late")))
        .hasMessage("the rollout of version 2 on model 'm' is PROMOTED (expected: RUNNING or PAUSED)");

    policy = TrafficPolicy.of(1);
    rollout = null;
    start(PLAN);
    accept(controller.rollback("m", policy, rollout, T0.plusSeconds(3), "rolled back by carol"));
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(policy.weight(2)).isZero();
    assertThat(policy.hasCandidate(2)).isTrue();
    assertThat(invalid(() -> controller.pause("m", policy, null, T0, "x")).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void rollbackStopsMirroringToTheCanaryButKeepsAnotherShadow() {
    policy = new TrafficPolicy(1, List.of(), Shadow.of(2, 50), false);
    start(PLAN);
    accept(controller.rollback("m", policy, rollout, T0.plusSeconds(3), "rolled back by carol"));
    assertThat(policy.shadow()).isNull();
    assertThat(policy.weight(2)).isZero();

    policy = new TrafficPolicy(1, List.of(), Shadow.of(3, 50), false);
    rollout = null;
    start(PLAN);
    accept(controller.rollback("m", policy, rollout, T0.plusSeconds(3), "rolled back by carol"));
    assertThat(policy.shadow()).isEqualTo(Shadow.of(3, 50));
  }

  @Test
  void failingSignalsHoldInsteadOfRollingBack() {
    RolloutController flaky = new RolloutController(new WindowedSignals() {
      @Override
      public VersionWindow window(String model, long version, Duration window) {
        throw new IllegalStateException("metrics not ready");
      }

      @Override
      public double driftScore(String model, long version) {
        throw new IllegalStateException("no drift");
      }
    });
    RolloutChange started = flaky.start("m", policy, null, PLAN, T0);
    RolloutChange change = flaky.tick("m", started.policy(), started.rollout(), T0.plusSeconds(60));
    assertThat(change.kind()).isEqualTo(RolloutChange.Kind.HOLD);
    assertThat(change.evaluation().canary()).isEqualTo(VersionWindow.EMPTY);
  }

  @Test
  void driftAndOutputDifferenceRollBack() {
    start(PLAN);
    signals.set("m", 2, new VersionWindow(1000, 0, 1000, Double.POSITIVE_INFINITY)).set("m", 1, 1000, 0, 1000);
    assertThat(tick(10).reason()).contains("gate outputDiff failed");
    policy = TrafficPolicy.of(1);
    rollout = null;
    start(PLAN);
    signals.set("m", 2, 1000, 0, 1000).drift("m", 2, 0.7);
    assertThat(tick(10).reason()).isEqualTo("rolled back: gate driftScore failed: drift score 0.700 > max 0.200");
  }

  @Test
  void planIsValidated() {
    assertThatThrownBy(() -> RolloutPlan.builder(2).steps(5, 5).build())
        .hasMessage("steps[1]: 5 (expected: > steps[0] = 5)");
    assertThatThrownBy(() -> RolloutPlan.builder(2).steps(0, 5).build())
        .hasMessage("steps[0]: 0 (expected: 1..100)");
    assertThatThrownBy(() -> RolloutPlan.builder(2).steps(java.util.List.of()).build())
        .hasMessage("steps: [] (expected: at least one weight in 1..100)");
    assertThatThrownBy(() -> RolloutPlan.builder(2).intervalSeconds(0).build())
        .hasMessage("intervalSeconds: 0 (expected: 1..3600)");
    assertThatThrownBy(() -> RolloutPlan.builder(2).minRequests(-1).build())
        .hasMessage("minRequests: -1 (expected: >= 0)");
  }
}
