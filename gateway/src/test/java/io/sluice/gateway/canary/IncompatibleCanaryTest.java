package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.grpc;
import static io.sluice.gateway.canary.CanaryClients.http;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.gateway.SluiceServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A candidate whose signature clients do not match (version 2 of {@code incompatible} names its input {@code z}
 * where version 1 and the clients say {@code x}): requests the split sends to it are served by the stable
 * version instead of failing with 400, and each counts as the candidate's error, so its error-rate gate sees
 * the break. A request pinned to the candidate still gets its own 400.
 */
class IncompatibleCanaryTest {
  private static final String MODEL = "incompatible";

  @Test
  void theStableVersionServesWhatTheCandidateRefusesAndTheCandidateIsCharged() {
    SluiceServer server = CanaryTestServer.get();
    server.canary().service().setTraffic(MODEL, TrafficPolicy.of(1, Candidate.of(2, 100)), "test");
    server.canary().signals().roll();
    long errorsBefore = window(server).errors();

    for (int i = 0; i < 10; i++) {
      CanaryClients.Answer overHttp = http(server.httpPort(), MODEL, "", null, null, null, i);
      assertThat(overHttp.ok()).as(overHttp.error()).isTrue();
      assertThat(overHttp.version()).isEqualTo("1");
      assertThat(overHttp.tag(i)).isEqualTo(1);
      CanaryClients.Answer overGrpc = grpc(CanaryTestServer.channel(), MODEL, "", null, null, null, i);
      assertThat(overGrpc.ok()).as(overGrpc.error()).isTrue();
      assertThat(overGrpc.version()).isEqualTo("1");
    }
    server.canary().signals().roll();
    assertThat(window(server).errors() - errorsBefore).as("refusals charged to version 2").isEqualTo(20);

    CanaryClients.Answer pinned = http(server.httpPort(), MODEL, "", null, "2", null, 0);
    assertThat(pinned.status()).isEqualTo(400);
    assertThat(pinned.error()).contains("'x'");
  }

  private static VersionWindow window(SluiceServer server) {
    return server.canary().signals().window(MODEL, 2, Duration.ofMinutes(5));
  }
}
