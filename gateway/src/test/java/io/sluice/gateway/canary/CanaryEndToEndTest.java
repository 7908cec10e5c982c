package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.sluice.canary.rollout.RolloutState;
import io.sluice.canary.testing.MutableClock;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.canary.CanaryClients.Answer;
import io.sluice.runtime.testing.TestModels;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server, driven by an injected clock, through a rollout to promotion and a rollback of a faulty canary
 * while HTTP and gRPC clients send traffic all along: the gates judge the gateway's own measurements, no
 * request fails because weights change, the faulty canary's failures (and only those) are what roll it back,
 * and the audit log (served and on disk) shows each decision with its numbers.
 *
 * <p>Versions of model {@code m}: 1 and 2 answer {@code x + version}; 3 answers {@code x + 3} for inputs in
 * [-2, 1] and fails to run (INTERNAL) for others; 4 answers NaN. Clients alternate the inputs 0 and 5, so
 * version 3 fails half of its requests. Version 4 is rolled back on the output gate (its NaN answers count as
 * infinitely different outputs), without any shadow traffic.
 */
class CanaryEndToEndTest {
  private static final String MODEL = "m";
  private static final float[] INPUTS = {0f, 5f};
  private static final int REQUESTS_PER_SECOND = 40;
  private static final int MAX_SECONDS = 60;

  @TempDir
  Path repository;

  @TempDir
  Path state;

  private final MutableClock clock = new MutableClock();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong answered = new AtomicLong();
  /** (send time, version) of every successful answer. */
  private final ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>();
  /** Failures caused by version 3 running the request: expected, they are what rolls it back. */
  private final AtomicLong canaryFailures = new AtomicLong();
  /** NaN answers of version 4: expected, they are what rolls it back. */
  private final AtomicLong nanAnswers = new AtomicLong();
  private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

  @Test
  void rolloutToPromotionThenRollbacksOfFaultyCanariesUnderTraffic() throws Exception {
    CanaryClients.writeTagged(repository, MODEL, 1, 2);
    TestModels.writeModel(repository, MODEL, 3, CanaryClients.faulty(3));
    TestModels.writeModel(repository, MODEL, 4, TestModels.tagged(Float.NaN));
    ServerConfig config = ServerConfig.loopback(repository)
        .withCanary(new CanaryOptions(state, clock, Duration.ZERO));
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (SluiceServer server = new SluiceServer(config).start()) {
      // before any traffic: without a policy requests go to the highest version, the faulty 3
      admin(server, "PUT", "/traffic", "{\"stable\":\"1\"}", 200);
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        loops.add(clients.submit(() -> loop(i2 -> CanaryClients.http(server.httpPort(), MODEL, "", null, null, null,
            INPUTS[i2 % 2]))));
        loops.add(clients.submit(() -> loop(i2 -> CanaryClients.grpc(channel, MODEL, "", null, null, null,
            INPUTS[i2 % 2]))));
      }
      try {
        // Phase 1: a healthy canary goes 25 -> 50 -> 100 and is promoted.
        admin(server, "POST", "/rollout", "{\"version\":\"2\",\"steps\":[25,50,100],\"stepSeconds\":3,"
            + "\"minRequests\":10,\"intervalSeconds\":1,\"windowSeconds\":10,"
            + "\"gates\":{\"maxErrorRate\":0.01,\"maxLatencyRatio\":50,\"minWindowRequests\":5}}", 200);
        long promoted = runUntil(server, RolloutState.PROMOTED);
        JsonNode traffic = admin(server, "GET", "/traffic", null, 200);
        assertThat(traffic.get("stable").asText()).isEqualTo("2");
        assertThat(traffic.get("stableWeight").asInt()).isEqualTo(100);
        awaitAnswers(REQUESTS_PER_SECOND);
        assertThat(versionsSentAfter(promoted)).as("after promotion").containsOnly(2L);
        assertThat(canaryFailures.get()).isZero();

        // Phase 2: version 3 fails half its requests and is rolled back on the error-rate gate.
        admin(server, "POST", "/rollout", "{\"version\":\"3\",\"steps\":[25,100],\"stepSeconds\":3,"
            + "\"minRequests\":10,\"intervalSeconds\":1,\"windowSeconds\":10,"
            + "\"gates\":{\"maxErrorRate\":0.05,\"maxLatencyRatio\":50,\"minWindowRequests\":5}}", 200);
        long rolledBack = runUntil(server, RolloutState.ROLLED_BACK);
        awaitAnswers(REQUESTS_PER_SECOND);
        assertThat(versionsSentAfter(rolledBack)).as("after the rollback").containsOnly(2L);
        assertThat(canaryFailures.get()).as("the faulty canary's own failures").isPositive();

        // Phase 3: version 4 answers NaN and is rolled back on the output-difference gate.
        admin(server, "POST", "/rollout", "{\"version\":\"4\",\"steps\":[25,100],\"stepSeconds\":3,"
            + "\"minRequests\":10,\"intervalSeconds\":1,\"windowSeconds\":10,"
            + "\"gates\":{\"maxLatencyRatio\":50,\"minWindowRequests\":5}}", 200);
        long nanRolledBack = runUntil(server, RolloutState.ROLLED_BACK);
        awaitAnswers(REQUESTS_PER_SECOND);
        assertThat(versionsSentAfter(nanRolledBack)).as("after the second rollback").containsOnly(2L);
        assertThat(nanAnswers.get()).isPositive();
        assertThat(server.canary().service().rollout(MODEL).reason())
            .startsWith("rolled back: gate outputDiff failed: mean output difference Infinity > max 0.100");
      } finally {
        running.set(false);
        for (Future<?> loop : loops) {
          loop.get(30, TimeUnit.SECONDS);
        }
        channel.shutdownNow();
      }
      assertThat(unexpected).as("requests that failed or were answered wrongly, other than the faulty canaries' own answers").isEmpty();
      checkAudit(server);
    } finally {
      clients.shutdownNow();
    }
  }

  /** Sends requests until the test ends; {@code send} gets the request's index. */
  private void loop(IntFunction<Answer> send) {
    for (int i = 0; running.get(); i++) {
      long sent = System.nanoTime();
      float x = INPUTS[i % 2];
      try {
        Answer answer = send.apply(i);
        if (answer.ok() && answer.version().equals("4") && Float.isNaN(answer.y())) {
          nanAnswers.incrementAndGet();
        } else if (answer.ok()) {
          if (!Integer.toString(answer.tag(x)).equals(answer.version())) {
            unexpected.add("answer " + answer.y() + " for x " + x + " from version " + answer.version());
          }
          answers.add(new long[] {sent, Long.parseLong(answer.version())});
        } else if (answer.status() == 500 && answer.error().contains("version 3 failed to run the request")) {
          canaryFailures.incrementAndGet();
        } else {
          unexpected.add(answer.status() + ": " + answer.error());
        }
      } catch (RuntimeException e) {
        unexpected.add(e.toString());
      }
      answered.incrementAndGet();
    }
  }

  /**
   * Lets about a second's worth of requests through, moves the clock one second and ticks, until the rollout
   * reaches {@code target}; returns {@link System#nanoTime()} right after it did.
   */
  private long runUntil(SluiceServer server, RolloutState target) {
    for (int second = 0; second < MAX_SECONDS; second++) {
      awaitAnswers(REQUESTS_PER_SECOND);
      clock.advanceSeconds(1);
      server.canary().tick();
      RolloutState state = server.canary().service().rollout(MODEL).state();
      if (state == target) {
        return System.nanoTime();
      }
      assertThat(state).as(server.canary().service().rollout(MODEL).reason()).isIn(RolloutState.RUNNING);
    }
    throw new AssertionError("no " + target + " after " + MAX_SECONDS + " s: "
        + server.canary().service().rollout(MODEL));
  }

  private void awaitAnswers(int count) {
    long target = answered.get() + count;
    await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= target || !unexpected.isEmpty());
    assertThat(unexpected).isEmpty();
  }

  private List<Long> versionsSentAfter(long nanos) {
    List<Long> versions = new ArrayList<>();
    for (long[] answer : answers) {
      if (answer[0] > nanos) {
        versions.add(answer[1]);
      }
    }
    assertThat(versions).isNotEmpty();
    return versions;
  }

  private static JsonNode admin(SluiceServer server, String method, String resource, String body, int status) {
    String path = resource.startsWith("/admin") ? resource : "/admin/v1/models/" + MODEL + resource;
    HttpResponse<String> response = CanaryClients.admin(server.adminPort(), method, path, body);
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
    return json(response.body());
  }

  private void checkAudit(SluiceServer server) throws Exception {
    JsonNode entries = admin(server, "GET", "/admin/v1/audit?model=m&limit=0", null, 200).get("entries");
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : entries) {
      actions.add(entry.get("actor").asText() + " " + entry.get("action").asText());
    }
    assertThat(actions).containsExactly("system rollout.rollback", "local rollout.start", "system rollout.rollback",
        "local rollout.start", "system rollout.promote", "system rollout.advance", "system rollout.advance",
        "local rollout.start", "local traffic.set");
    JsonNode nan = entries.get(0).get("evaluation");
    assertThat(nan.get("canary").get("version").asText()).isEqualTo("4");
    assertThat(nan.get("canary").get("meanOutputDiff").asText()).isEqualTo("Infinity");
    assertThat(nan.get("gates").get(3).get("gate").asText()).isEqualTo("outputDiff");
    assertThat(nan.get("gates").get(3).get("verdict").asText()).isEqualTo("FAIL");

    JsonNode rollback = entries.get(2);
    assertThat(rollback.get("reason").asText()).startsWith("rolled back: gate errorRate failed: canary error rate");
    assertThat(rollback.get("before").get("candidates").get(0).get("weight").asInt()).isEqualTo(25);
    assertThat(rollback.get("after").get("candidates").get(0).get("weight").asInt()).isZero();
    JsonNode failed = rollback.get("evaluation");
    assertThat(failed.get("decision").asText()).isEqualTo("ROLLBACK");
    assertThat(failed.get("canary").get("version").asText()).isEqualTo("3");
    assertThat(failed.get("canary").get("errors").asLong()).isPositive();
    assertThat(failed.get("canary").get("errorRate").asDouble()).isGreaterThan(0.05);
    assertThat(failed.get("stable").get("version").asText()).isEqualTo("2");
    assertThat(failed.get("stable").get("errors").asLong()).isZero();
    assertThat(failed.get("stable").get("requests").asLong()).isPositive();
    assertThat(failed.get("gates").get(0).get("gate").asText()).isEqualTo("errorRate");
    assertThat(failed.get("gates").get(0).get("verdict").asText()).isEqualTo("FAIL");

    for (int i = 4; i <= 6; i++) {
      JsonNode evaluation = entries.get(i).get("evaluation");
      assertThat(evaluation.get("canary").get("requests").asLong()).as(entries.get(i).toString())
          .isGreaterThanOrEqualTo(5);
      assertThat(evaluation.get("stepRequests").asLong()).isGreaterThanOrEqualTo(10);
      assertThat(evaluation.get("heldSeconds").asLong()).isGreaterThanOrEqualTo(3);
      assertThat(evaluation.get("canary").get("p99LatencyMicros").asDouble()).isPositive();
      for (JsonNode gate : evaluation.get("gates")) {
        assertThat(gate.get("verdict").asText()).isIn("PASS", "SKIPPED");
      }
    }
    assertThat(entries.get(4).get("after").get("stable").asText()).isEqualTo("2");

    List<String> lines = Files.readAllLines(state.resolve(CanaryOptions.AUDIT_FILE), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(9);
    JsonNode errorLine = json(lines.get(6));
    assertThat(errorLine.get("action").asText()).isEqualTo("rollout.rollback");
    assertThat(errorLine.get("evaluation").get("canary").get("errors").asLong())
        .isEqualTo(failed.get("canary").get("errors").asLong());
    assertThat(Files.readString(state.resolve("canary").resolve(MODEL + ".json"))).contains("\"ROLLED_BACK\"");
  }
}
