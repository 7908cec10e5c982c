package io.sluice.canary.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficPolicyTest {

  @Test
  void stableGetsWhatTheCandidatesLeave() {
    TrafficPolicy policy = TrafficPolicy.of(1, Candidate.of(2, 10), Candidate.of(3, 5));
    assertThat(policy.stableWeight()).isEqualTo(85);
    assertThat(policy.weight(1)).isEqualTo(85);
    assertThat(policy.weight(2)).isEqualTo(10);
    assertThat(policy.weight(9)).isZero();
    assertThat(policy.candidateWeight()).isEqualTo(15);
  }

  @Test
  void candidatesMayTakeEverything() {
    assertThat(TrafficPolicy.of(1, Candidate.of(2, 100)).stableWeight()).isZero();
  }

  @Test
  void rejectsWeightsOutOfRange() {
    assertThatThrownBy(() -> Candidate.of(2, -5)).hasMessage("weight: -5 (expected: 0..100)");
    assertThatThrownBy(() -> Candidate.of(2, 101)).hasMessage("weight: 101 (expected: 0..100)");
    assertThatThrownBy(() -> Shadow.of(3, 101)).hasMessage("percent: 101 (expected: 0..100)");
    assertThatThrownBy(() -> Shadow.of(3, -1)).hasMessage("percent: -1 (expected: 0..100)");
  }

  @Test
  void rejectsCandidatesOverOneHundred() {
    assertThatThrownBy(() -> TrafficPolicy.of(1, Candidate.of(2, 60), Candidate.of(3, 50)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights: candidates sum to 110 (expected: at most 100; the stable version gets 100 minus"
            + " their sum)");
  }

  @Test
  void rejectsDuplicateVersions() {
    assertThatThrownBy(() -> TrafficPolicy.of(1, Candidate.of(2, 10), Candidate.of(2, 5)))
        .hasMessage("candidates[1].version: 2 (expected: each version at most once)");
    assertThatThrownBy(() -> TrafficPolicy.of(1, Candidate.of(1, 10)))
        .hasMessage("candidates[0].version: 1 (expected: a version other than the stable version)");
    assertThatThrownBy(() -> new TrafficPolicy(1, List.of(), Shadow.of(1, 5), false))
        .hasMessage("shadow.version: 1 (expected: a version other than the stable version)");
  }

  @Test
  void statedStableWeightMustComplementTheCandidates() {
    TrafficPolicy policy = TrafficPolicy.of(1, Candidate.of(2, 10));
    assertThat(policy.withStableWeight(90)).isSameAs(policy);
    assertThatThrownBy(() -> policy.withStableWeight(80))
        .hasMessage("weights: stable 80 + candidates 10 = 90 (expected: 100)");
  }

  @Test
  void derivesNewPoliciesWithoutChangingTheOld() {
    TrafficPolicy policy = new TrafficPolicy(1, List.of(Candidate.of(2, 10)), Shadow.of(2, 5), true);
    TrafficPolicy raised = policy.withCandidateWeight(2, 25);
    assertThat(raised.weight(2)).isEqualTo(25);
    assertThat(policy.weight(2)).isEqualTo(10);
    assertThat(policy.withCandidateWeight(3, 5).candidates()).containsExactly(Candidate.of(2, 10),
        Candidate.of(3, 5));
    assertThatThrownBy(() -> policy.withCandidateWeight(3, 95)).isInstanceOf(IllegalArgumentException.class);

    TrafficPolicy promoted = policy.promote(2);
    assertThat(promoted.stable()).isEqualTo(2);
    assertThat(promoted.candidates()).isEmpty();
    assertThat(promoted.shadow()).isNull();
    assertThat(promoted.sticky()).isTrue();
  }

  @Test
  void candidateListIsImmutable() {
    java.util.ArrayList<Candidate> list = new java.util.ArrayList<>(List.of(Candidate.of(2, 10)));
    TrafficPolicy policy = new TrafficPolicy(1, list, null, false);
    list.add(Candidate.of(3, 10));
    assertThat(policy.candidates()).hasSize(1);
    assertThatThrownBy(() -> policy.candidates().add(Candidate.of(4, 1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
