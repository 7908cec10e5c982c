package io.sluice.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.routing.RouteDecision.Reason;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static final int N = 10_000;
  private static final LoadedVersions ALL = LoadedVersions.of(1, 2, 3);

  private final Router router = new Router(RandomSource.seeded(42));

  /** |observed - n p| <= 4 standard deviations of Binomial(n, p). */
  private static void assertWithinTolerance(long observed, int n, double p) {
    double sd = Math.sqrt(n * p * (1 - p));
    assertThat((double) observed).as("observed %d of %d for p=%.2f", observed, n, p)
        .isBetween(n * p - 4 * sd, n * p + 4 * sd);
  }

  private Map<Long, Integer> split(String model, int n, LoadedVersions loaded) {
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      RouteDecision decision = router.route(model, "", null, null, "", loaded);
      counts.merge(decision.version(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void observedSplitMatchesTheWeights() {
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 20), Candidate.of(3, 10)));
    Map<Long, Integer> counts = split("m", N, ALL);
    assertThat(counts.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);
    assertWithinTolerance(counts.get(1L), N, 0.70);
    assertWithinTolerance(counts.get(2L), N, 0.20);
    assertWithinTolerance(counts.get(3L), N, 0.10);
  }

  @Test
  void splitFollowsAWeightChange() {
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 5)));
    assertWithinTolerance(split("m", N, ALL).get(2L), N, 0.05);
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 50)));
    assertWithinTolerance(split("m", N, ALL).get(2L), N, 0.50);
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 100)));
    assertThat(split("m", N, ALL)).containsOnlyKeys(2L);
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 0)));
    assertThat(split("m", N, ALL)).containsOnlyKeys(1L);
  }

  @Test
  void stickyKeysKeepTheirVersionWhileTheSplitIsUnchanged() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 30)), null, true));
    Map<String, Long> first = new HashMap<>();
    for (int i = 0; i < N; i++) {
      String key = "user-" + i;
      RouteDecision decision = router.route("m", "", null, key, "req-" + i, ALL);
      assertThat(decision.reason()).isEqualTo(Reason.STICKY);
      first.put(key, decision.version());
    }
    // again, interleaved with random traffic that moves the random source
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < N; i++) {
        router.route("m", "", null, null, "", ALL);
        assertThat(router.route("m", "", null, "user-" + i, "other", ALL).version()).isEqualTo(first.get("user-" + i));
      }
    }
    long canary = first.values().stream().filter(v -> v == 2L).count();
    assertWithinTolerance(canary, N, 0.30);
  }

  @Test
  void requestIdIsTheStickyKeyWithoutARoutingKey() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 50)), null, true));
    for (int i = 0; i < 200; i++) {
      long version = router.route("m", "", null, null, "id-" + i, ALL).version();
      assertThat(router.route("m", "", null, "", "id-" + i, ALL).version()).isEqualTo(version);
      assertThat(router.route("m", "", null, "id-" + i, "unrelated", ALL).version()).isEqualTo(version);
    }
    assertThat(router.route("m", "", null, null, "", ALL).reason()).isEqualTo(Reason.WEIGHTED);
  }

  @Test
  void stickyAssignmentIsMonotoneWhenTheCanaryGrows() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 10)), null, true));
    Map<String, Long> before = new HashMap<>();
    for (int i = 0; i < N; i++) {
      before.put("k" + i, router.route("m", "", null, "k" + i, "", ALL).version());
    }
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 25)), null, true));
    int moved = 0;
    for (int i = 0; i < N; i++) {
      long after = router.route("m", "", null, "k" + i, "", ALL).version();
      if (before.get("k" + i) == 2L) {
        assertThat(after).as("a canary key stays on the canary when its weight grows").isEqualTo(2L);
      } else if (after == 2L) {
        moved++;
      }
    }
    assertWithinTolerance(moved, N, 0.15);
  }

  @Test
  void explicitVersionAndPinOverrideTheSplit() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 100)), Shadow.of(3, 100), true));
    RouteDecision explicit = router.route("m", "1", "3", "key", "id", ALL);
    assertThat(explicit).isEqualTo(new RouteDecision(1, RouteDecision.NO_VERSION, Reason.EXPLICIT));
    RouteDecision pinned = router.route("m", "", "3", "key", "id", ALL);
    assertThat(pinned).isEqualTo(new RouteDecision(3, RouteDecision.NO_VERSION, Reason.PIN));
    // versions outside the policy, and models without one, are returned as named (the gateway 404s them)
    assertThat(router.route("m", "7", null, null, null, ALL).version()).isEqualTo(7);
    assertThat(router.route("other", "", "7", null, null, ALL))
        .isEqualTo(new RouteDecision(7, RouteDecision.NO_VERSION, Reason.PIN));
    assertThat(router.route("other", "", "", null, null, ALL)).isSameAs(RouteDecision.NONE);
  }

  @Test
  void malformedVersionsAreInvalidArguments() {
    router.update("m", TrafficPolicy.of(1));
    assertThatThrownBy(() -> router.route("m", "", "abc", null, null, ALL))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessage("header x-sluice-version: 'abc' (expected: a decimal version number)");
    assertThatThrownBy(() -> router.route("m", "x1", null, null, null, ALL))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void unloadedCandidateFallsBackToStable() {
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 100)));
    RouteDecision decision = router.route("m", "", null, null, null, LoadedVersions.of(1));
    assertThat(decision.version()).isEqualTo(1);
    assertThat(decision.reason()).isEqualTo(Reason.FALLBACK);
  }

  @Test
  void noDecisionWhenTheStableVersionIsNotLoaded() {
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 50)));
    Map<Long, Integer> counts = split("m", 1000, LoadedVersions.of(2));
    assertThat(counts).containsOnlyKeys(2L, RouteDecision.NO_VERSION);
    assertThat(router.route("m", "", null, null, null, LoadedVersions.of()).decided()).isFalse();
  }

  @Test
  void shadowMirrorsItsPercentageOfPolicyRoutedRequests() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 10)), Shadow.of(3, 20), false));
    int shadowed = 0;
    for (int i = 0; i < N; i++) {
      RouteDecision decision = router.route("m", "", null, null, null, ALL);
      if (decision.shadowed()) {
        assertThat(decision.shadowVersion()).isEqualTo(3);
        shadowed++;
      }
    }
    assertWithinTolerance(shadowed, N, 0.20);
    assertThat(router.route("m", "1", null, null, null, ALL).shadowed()).as("explicit: no mirror").isFalse();
    for (int i = 0; i < 1000; i++) {
      assertThat(router.route("m", "", null, null, null, LoadedVersions.of(1, 2)).shadowed())
          .as("an unloaded shadow is skipped").isFalse();
    }
  }

  @Test
  void shadowNeverMirrorsOntoThePrimary() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 50)), Shadow.of(2, 100), false));
    for (int i = 0; i < 1000; i++) {
      RouteDecision decision = router.route("m", "", null, null, null, ALL);
      assertThat(decision.shadowed()).isEqualTo(decision.version() == 1);
    }
  }

  @Test
  void removingThePolicyRestoresDefaultRouting() {
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 50)));
    router.update("m", null);
    assertThat(router.route("m", "", null, null, null, ALL)).isSameAs(RouteDecision.NONE);
    assertThat(router.policy("m")).isNull();
    assertThat(router.route(null, "", null, null, null, ALL)).isSameAs(RouteDecision.NONE);
  }

  @Test
  void policyRoutedDecisionsAreReusedNotAllocated() {
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 50)), Shadow.of(3, 50), true));
    RouteDecision a = router.route("m", "", null, "same", null, ALL);
    RouteDecision b;
    do {
      b = router.route("m", "", null, "same", null, ALL);
    } while (b.shadowed() != a.shadowed());
    assertThat(b).isSameAs(a);
  }
}
