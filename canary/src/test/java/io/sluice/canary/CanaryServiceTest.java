package io.sluice.canary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.canary.audit.AuditEntry;
import io.sluice.canary.json.CanaryJson;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Decision;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutState;
import io.sluice.canary.routing.LoadedVersions;
import io.sluice.canary.routing.RandomSource;
import io.sluice.canary.routing.RouteDecision;
import io.sluice.canary.testing.FakeSignals;
import io.sluice.canary.testing.MutableClock;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryServiceTest {
  private static final String TRAFFIC = "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":10}]}";
  private static final String PLAN = "{\"version\":\"2\",\"steps\":[5,25,50,100],\"stepSeconds\":30,"
      + "\"minRequests\":200}";

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock();
  private final FakeSignals signals = new FakeSignals();
  private final Map<String, Set<Long>> loaded = new ConcurrentHashMap<>();
  private CanaryService service;

  @BeforeEach
  void setUp() {
    loaded.put("m", Set.of(1L, 2L, 3L));
    service = newService();
  }

  /** The admin API's JSON view of the current {@link #service}. */
  private CanaryJsonApi api() {
    return new CanaryJsonApi(service);
  }

  private CanaryService newService() {
    return new CanaryService(clock, dir.resolve("state"), dir.resolve("audit.jsonl"), signals, loaded::get,
        RandomSource.seeded(7), 100);
  }

  private static InferenceException failure(Runnable action) {
    try {
      action.run();
    } catch (InferenceException e) {
      return e;
    }
    throw new AssertionError("expected an InferenceException");
  }

  private void startHealthyRollout() {
    api().putTraffic("m", "{\"stable\":\"1\"}", "alice");
    api().postRollout("m", PLAN, "alice");
  }

  @Test
  void putAndGetTraffic() {
    String body = api().putTraffic("m", TRAFFIC, "alice");
    assertThat(body).isEqualTo(api().getTraffic("m"));
    assertThat(CanaryJson.read(body).get("stableWeight").asInt()).isEqualTo(90);
    assertThat(service.weight("m", 2)).isEqualTo(10);
    assertThat(service.route("m", "", null, null, null, LoadedVersions.of(1, 2)).decided()).isTrue();
    AuditEntry entry = service.audit("m", 1).get(0);
    assertThat(entry.action()).isEqualTo("traffic.set");
    assertThat(entry.actor()).isEqualTo("alice");
    assertThat(entry.before()).isNull();
    assertThat(entry.after()).isEqualTo(TrafficPolicy.of(1, Candidate.of(2, 10)));
    assertThat(failure(() -> api().getTraffic("other")).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void badInputIsRejectedAndLeavesThePolicyUnchanged() {
    api().putTraffic("m", TRAFFIC, "alice");
    String before = api().getTraffic("m");
    String[][] cases = {
        {"{\"stable\":\"1\",\"stableWeight\":50,\"candidates\":[{\"version\":\"2\",\"weight\":10}]}",
            "weights: stable 50 + candidates 10 = 60 (expected: 100)"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":70},{\"version\":\"3\",\"weight\":40}]}",
            "weights: candidates sum to 110 (expected: at most 100; the stable version gets 100 minus their sum)"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":-5}]}",
            "candidates[0].weight: -5 (expected: an integer 0..100)"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"9\",\"weight\":5}]}",
            "candidates[0].version: 9 (expected: a loaded version of model 'm': [1, 2, 3])"},
        {"{\"stable\":\"8\"}", "stable: 8 (expected: a loaded version of model 'm': [1, 2, 3])"},
        {"{\"stable\":\"1\",\"shadow\":{\"version\":\"9\",\"percent\":5}}",
            "shadow.version: 9 (expected: a loaded version of model 'm': [1, 2, 3])"},
        {"{\"stable\":\"1\",", "malformed JSON at line 1, column 15: Unexpected end-of-input within/between Object"
            + " entries"},
    };
    for (String[] bad : cases) {
      InferenceException e = failure(() -> api().putTraffic("m", bad[0], "mallory"));
      assertThat(e.code()).as(bad[0]).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e).as(bad[0]).hasMessage(bad[1]);
      assertThat(api().getTraffic("m")).isEqualTo(before);
    }
    assertThat(failure(() -> api().putTraffic("nope", TRAFFIC, "x")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(() -> api().putTraffic("../etc", TRAFFIC, "x")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(service.audit(null, 0)).hasSize(1);
  }

  @Test
  void rolloutErrors() {
    InferenceException noStable = failure(() -> api().postRollout("m", PLAN, "alice"));
    assertThat(noStable.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(noStable).hasMessage("model 'm' has no stable version (expected: a traffic policy with a stable"
        + " version before a rollout)");
    api().putTraffic("m", "{\"stable\":\"1\"}", "alice");
    assertThat(failure(() -> api().postRollout("m", "{\"version\":\"9\"}", "alice")))
        .hasMessage("version: 9 (expected: a loaded version of model 'm': [1, 2, 3])");
    assertThat(failure(() -> api().postRollout("m", "{\"version\":", "alice")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    api().postRollout("m", PLAN, "alice");
    String policy = api().getTraffic("m");
    assertThat(failure(() -> api().postRollout("m", "{\"version\":\"3\"}", "bob")))
        .hasMessageStartingWith("model 'm' already has a RUNNING rollout of version 2");
    assertThat(api().getTraffic("m")).isEqualTo(policy);
    assertThat(failure(() -> api().putTraffic("m", "{\"stable\":\"3\"}", "bob")))
        .hasMessageStartingWith("model 'm' has a RUNNING rollout of version 2 (expected: a policy that keeps");
    assertThat(failure(() -> service.clearTraffic("m", "bob")).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(failure(() -> api().postRolloutAction("m", "explode", "bob")).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(() -> api().getRollout("other")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(() -> service.pause("other", "bob")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(() -> api().getRollout("../x")).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(failure(() -> service.rollback("", "bob")).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void canaryFailingHalfItsRequestsIsRolledBackAutomatically() {
    startHealthyRollout();
    signals.set("m", 2, 1000, 500, 1000).set("m", 1, 19_000, 19, 1000);
    clock.advanceSeconds(10);
    service.tick();

    Rollout rollout = service.rollout("m");
    assertThat(rollout.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(service.weight("m", 2)).isZero();
    assertThat(service.weight("m", 1)).isEqualTo(100);
    for (int i = 0; i < 1000; i++) {
      assertThat(service.route("m", "", null, null, null, LoadedVersions.of(1, 2)).version()).isEqualTo(1);
    }
    JsonNode body = CanaryJson.read(api().getRollout("m"));
    assertThat(body.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(body.get("weight").asInt()).isZero();
    assertThat(body.get("reason").asText()).contains("gate errorRate failed: canary error rate 0.5000 (500 of 1000)");
    JsonNode evaluation = body.get("lastEvaluation");
    assertThat(evaluation.get("decision").asText()).isEqualTo("ROLLBACK");
    assertThat(evaluation.get("canary").get("errorRate").asDouble()).isEqualTo(0.5);
    assertThat(evaluation.get("stable").get("errorRate").asDouble()).isEqualTo(0.001);

    AuditEntry audit = service.audit("m", 1).get(0);
    assertThat(audit.action()).isEqualTo("rollout.rollback");
    assertThat(audit.actor()).isEqualTo("system");
    assertThat(audit.before().weight(2)).isEqualTo(5);
    assertThat(audit.after().weight(2)).isZero();
    assertThat(audit.evaluation().decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(audit.evaluation().canary().errors()).isEqualTo(500);
    assertThat(audit.time()).isEqualTo(clock.instant());
  }

  @Test
  void listenersSeeEveryChangeAndCannotBreakIt() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    service.addListener(entry -> seen.add(entry.action() + " " + entry.model()));
    service.addListener(entry -> {
      throw new IllegalStateException("listener bug");
    });
    startHealthyRollout();
    service.promote("m", "alice");
    assertThat(seen).containsExactly("traffic.set m", "rollout.start m", "rollout.promote m");
    assertThat(service.traffic("m")).isEqualTo(TrafficPolicy.of(2));
  }

  @Test
  void canaryFourTimesSlowerIsRolledBackOnLatency() {
    startHealthyRollout();
    signals.set("m", 2, 1000, 0, 8000).set("m", 1, 19_000, 0, 2000);
    clock.advanceSeconds(10);
    service.tick();
    assertThat(service.rollout("m").state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(service.rollout("m").reason()).isEqualTo("rolled back: gate latencyRatio failed: canary p99 8000 us"
        + " / stable p99 2000 us = 4.000 > max 1.500");
  }

  @Test
  void healthyCanaryIsPromotedAfterTheLastStep() {
    startHealthyRollout();
    signals.set("m", 1, 19_000, 10, 1000);
    signals.set("m", 2, 100, 0, 1100);
    for (int second = 0; second < 60; second++) {
      clock.advanceSeconds(1);
      service.tick();
    }
    assertThat(service.rollout("m").weight()).as("too few canary requests: no step").isEqualTo(5);
    signals.set("m", 2, 1000, 1, 1100);
    for (int second = 0; second < 29; second++) {
      clock.advanceSeconds(1);
      service.tick();
    }
    assertThat(service.rollout("m").weight()).isEqualTo(25);
    for (int second = 0; second < 120; second++) {
      clock.advanceSeconds(1);
      service.tick();
    }
    Rollout rollout = service.rollout("m");
    assertThat(rollout.state()).isEqualTo(RolloutState.PROMOTED);
    assertThat(service.traffic("m")).isEqualTo(TrafficPolicy.of(2));
    assertThat(service.route("m", "", null, null, null, LoadedVersions.of(1, 2)).version()).isEqualTo(2);
    assertThat(service.audit("m", 0)).extracting(AuditEntry::action).containsExactly("rollout.promote",
        "rollout.advance", "rollout.advance", "rollout.advance", "rollout.start", "traffic.set");
    assertThat(service.audit("m", 0).subList(0, 4)).allSatisfy(entry -> {
      assertThat(entry.actor()).isEqualTo("system");
      assertThat(entry.evaluation()).isNotNull();
      assertThat(entry.evaluation().stepRequests()).isEqualTo(1000);
    });
  }

  @Test
  void manualControls() {
    startHealthyRollout();
    assertThat(CanaryJson.read(api().postRolloutAction("m", "pause", "bob")).get("state").asText())
        .isEqualTo("PAUSED");
    signals.set("m", 1, 19_000, 10, 1000).set("m", 2, 1000, 0, 1000);
    clock.advanceSeconds(300);
    service.tick();
    assertThat(service.rollout("m").weight()).as("paused: no advance").isEqualTo(5);
    service.resume("m", "bob");
    assertThat(service.rollout("m").state()).isEqualTo(RolloutState.RUNNING);
    api().putTraffic("m", "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":40}]}", "carol");
    assertThat(service.rollout("m").state()).isEqualTo(RolloutState.PAUSED);
    assertThat(service.rollout("m").weight()).isEqualTo(40);
    assertThat(service.weight("m", 2)).isEqualTo(40);
    service.promote("m", "carol");
    assertThat(service.traffic("m")).isEqualTo(TrafficPolicy.of(2));
    assertThat(failure(() -> service.rollback("m", "carol")).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);

    api().postRollout("m", "{\"version\":\"3\"}", "dave");
    assertThat(service.weight("m", 3)).isEqualTo(5);
    api().postRolloutAction("m", "rollback", "dave");
    assertThat(service.rollout("m").state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(service.weight("m", 3)).isZero();
    assertThat(service.audit("m", 0)).extracting(AuditEntry::action).containsExactly("rollout.rollback",
        "rollout.start", "rollout.promote", "rollout.set-weight", "rollout.resume", "rollout.pause", "rollout.start",
        "traffic.set");
    assertThat(service.audit("m", 0)).extracting(AuditEntry::actor).containsExactly("dave", "dave", "carol",
        "carol", "bob", "bob", "alice", "alice");
  }

  @Test
  void restartInTheMiddleOfARolloutResumesIt() {
    startHealthyRollout();
    signals.set("m", 1, 19_000, 10, 1000).set("m", 2, 1000, 0, 1000);
    clock.advanceSeconds(31);
    service.tick();
    Rollout before = service.rollout("m");
    assertThat(before.weight()).isEqualTo(25);

    clock.advanceSeconds(20);
    CanaryService restarted = newService();
    assertThat(restarted.startupWarnings()).isEmpty();
    Rollout after = restarted.rollout("m");
    assertThat(after.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(after.stepIndex()).isEqualTo(1);
    assertThat(after.weight()).isEqualTo(25);
    assertThat(after.stepStartedAt()).isEqualTo(before.stepStartedAt());
    assertThat(restarted.weight("m", 2)).isEqualTo(25);
    assertThat(restarted.audit("m", 0)).as("audit tail restored").hasSize(3);

    clock.advanceSeconds(10);
    restarted.tick();
    assertThat(restarted.rollout("m").weight()).as("the step's hold time counted across the restart")
        .isEqualTo(50);
  }

  @Test
  void corruptStateFileIsReportedAndIgnored() throws Exception {
    api().putTraffic("m", TRAFFIC, "alice");
    loaded.put("n", Set.of(1L));
    api().putTraffic("n", "{\"stable\":\"1\"}", "alice");
    Files.writeString(dir.resolve("state/canary/n.json"), "{\"format\":1,\"model\":\"n\",\"traffic\":{");
    CanaryService restarted = newService();
    assertThat(restarted.startupWarnings()).singleElement().asString()
        .startsWith("canary state file n.json: malformed JSON");
    assertThat(restarted.traffic("m")).isEqualTo(TrafficPolicy.of(1, Candidate.of(2, 10)));
    assertThat(restarted.traffic("n")).isNull();
  }

  @Test
  void unloadedCanaryFallsBackToStableAndItsRolloutIsRolledBack() {
    startHealthyRollout();
    assertThat(service.route("m", "", "2", null, null, LoadedVersions.of(1, 2)).version()).isEqualTo(2);
    for (int i = 0; i < 500; i++) {
      assertThat(service.route("m", "", null, null, null, LoadedVersions.of(1)).version()).isEqualTo(1);
    }
    service.onVersionUnloaded("m", 2);
    assertThat(service.rollout("m").state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(service.rollout("m").reason()).isEqualTo("canary version unloaded");
    assertThat(service.weight("m", 2)).isZero();
    assertThat(service.audit("m", 1).get(0).action()).isEqualTo("rollout.rollback");

    api().putTraffic("m", "{\"stable\":\"1\",\"candidates\":[{\"version\":\"3\",\"weight\":20}]}", "alice");
    service.onVersionUnloaded("m", 3);
    assertThat(service.weight("m", 3)).isZero();
    assertThat(service.weight("m", 1)).isEqualTo(100);
    assertThat(service.audit("m", 1).get(0).reason())
        .isEqualTo("candidate version 3 unloaded: its 20% went to stable version 1");
    service.onVersionUnloaded("unknown", 1);
  }

  @Test
  void failedSaveRejectsTheChangeAndKeepsThePolicy() throws Exception {
    Path blocker = Files.writeString(dir.resolve("blocker"), "x");
    CanaryService blocked = new CanaryService(clock, blocker, null, signals, loaded::get);
    InferenceException e = failure(() -> new CanaryJsonApi(blocked).putTraffic("m", TRAFFIC, "alice"));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).doesNotContain(dir.toString());
    assertThat(blocked.traffic("m")).isNull();
    assertThat(blocked.audit(null, 0)).isEmpty();
  }

  @Test
  void inMemoryServiceWithoutChecksOrFiles() {
    CanaryService memory = new CanaryService(clock, null, null, signals, null);
    memory.setTraffic("x", TrafficPolicy.of(4, Candidate.of(5, 100)), null);
    RouteDecision decision = memory.route("x", "", null, null, null, LoadedVersions.all());
    assertThat(decision.version()).isEqualTo(5);
    assertThat(memory.audit("x", 0).get(0).actor()).isEqualTo("anonymous");
    assertThat(memory.policies()).containsOnlyKeys("x");
    assertThat(memory.rollouts()).isEmpty();
    memory.clearTraffic("x", "root");
    assertThat(memory.route("x", "", null, null, null, LoadedVersions.all())).isSameAs(RouteDecision.NONE);
    assertThat(failure(() -> new CanaryJsonApi(memory).putTraffic("../x", "{\"stable\":\"1\"}", "a")).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void auditBodyIsNewestFirstAndFiltered() {
    loaded.put("n", Set.of(1L));
    api().putTraffic("m", TRAFFIC, "alice");
    clock.advanceSeconds(1);
    api().putTraffic("n", "{\"stable\":\"1\"}", "bob");
    JsonNode all = CanaryJson.read(api().getAudit(null, 10)).get("entries");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).get("model").asText()).isEqualTo("n");
    assertThat(all.get(0).get("time").asText()).isEqualTo("2030-01-01T00:00:01Z");
    JsonNode onlyM = CanaryJson.read(api().getAudit("m", 10)).get("entries");
    assertThat(onlyM).hasSize(1);
    assertThat(onlyM.get(0).get("after").get("stableWeight").asInt()).isEqualTo(90);
    assertThat(List.of(all.get(1).get("action").asText())).containsExactly("traffic.set");
  }
}
