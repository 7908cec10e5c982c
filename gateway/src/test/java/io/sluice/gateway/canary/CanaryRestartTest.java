package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.canary.testing.MutableClock;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State across restarts of the server: a rollout started before a restart is running after it (same step,
 * same weight, routing as before), the audit trail is served from the file, and a corrupt state file is
 * reported and ignored without stopping the server. A canary version that did not load after the restart is
 * rolled back at start, so its traffic goes to stable.
 */
class CanaryRestartTest {
  @TempDir
  Path repository;

  @TempDir
  Path state;

  private final MutableClock clock = new MutableClock();

  private SluiceServer start() throws Exception {
    return new SluiceServer(ServerConfig.loopback(repository)
        .withCanary(new CanaryOptions(state, clock, Duration.ZERO))).start();
  }

  private static JsonNode get(SluiceServer server, String path, int status) {
    HttpResponse<String> response = CanaryClients.admin(server.adminPort(), "GET", path, null);
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    return json(response.body());
  }

  @Test
  void rolloutsSurviveARestartAndMissingCanariesFallBackToStable() throws Exception {
    CanaryClients.writeTagged(repository, "m", 1, 2);
    CanaryClients.writeTagged(repository, "n", 1, 2);
    try (SluiceServer server = start()) {
      for (String model : new String[] {"m", "n"}) {
        String base = "/admin/v1/models/" + model;
        assertThat(CanaryClients.admin(server.adminPort(), "PUT", base + "/traffic", "{\"stable\":\"1\"}")
            .statusCode()).isEqualTo(200);
        assertThat(CanaryClients.admin(server.adminPort(), "POST", base + "/rollout",
            "{\"version\":\"2\",\"steps\":[30,60,100]}").statusCode()).isEqualTo(200);
      }
    }
    Files.writeString(state.resolve("canary").resolve("broken.json"), "{\"format\":1,\"model\":\"broken\",");
    // version 2 of n is gone when the server comes back
    Files.walk(repository.resolve("n").resolve("2")).sorted(java.util.Comparator.reverseOrder())
        .forEach(path -> path.toFile().delete());
    clock.advanceSeconds(5);

    try (SluiceServer server = start()) {
      assertThat(server.canary().service().startupWarnings()).singleElement().asString()
          .startsWith("canary state file broken.json:");
      JsonNode rollout = get(server, "/admin/v1/models/m/rollout", 200);
      assertThat(rollout.get("state").asText()).isEqualTo("RUNNING");
      assertThat(rollout.get("weight").asInt()).isEqualTo(30);
      assertThat(rollout.get("startedAt").asText()).isEqualTo("2030-01-01T00:00:00Z");
      int two = 0;
      for (int i = 0; i < 100; i++) {
        CanaryClients.Answer answer = CanaryClients.http(server.httpPort(), "m", "", null, null, null, 0);
        assertThat(answer.ok()).isTrue();
        two += answer.version().equals("2") ? 1 : 0;
      }
      assertThat(two).as("the restored 30% split").isBetween(10, 60);

      JsonNode missing = get(server, "/admin/v1/models/n/rollout", 200);
      assertThat(missing.get("state").asText()).isEqualTo("ROLLED_BACK");
      assertThat(missing.get("reason").asText()).isEqualTo("canary version unloaded");
      assertThat(CanaryClients.http(server.httpPort(), "n", "", null, null, null, 0).version()).isEqualTo("1");

      JsonNode audit = get(server, "/admin/v1/audit?limit=0", 200).get("entries");
      assertThat(audit).hasSize(5);
      assertThat(audit.get(0).get("model").asText()).isEqualTo("n");
      assertThat(audit.get(0).get("action").asText()).isEqualTo("rollout.rollback");
      assertThat(audit.get(0).get("actor").asText()).isEqualTo("system");
      assertThat(audit.get(0).get("time").asText()).isEqualTo("2030-01-01T00:00:05Z");
    }
  }
}
