package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.grpc;
import static io.sluice.gateway.canary.CanaryClients.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.canary.CanaryClients.Answer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shadow traffic on a real server: the client always gets the primary's answer, while the shadow version runs
 * a copy whose requests, latency and output difference land in the canary signals and meters.
 */
class ShadowTrafficTest {
  private static final String MODEL = "shadow";
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static SluiceServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    server = CanaryTestServer.get();
    channel = CanaryTestServer.channel();
  }

  private static VersionWindow window(long version) {
    return server.canary().signals().window(MODEL, version, MINUTE);
  }

  @Test
  void shadowNeverChangesTheAnswerAndItsDifferenceIsRecorded() {
    server.canary().service().setTraffic(MODEL, new TrafficPolicy(1, List.of(), Shadow.of(3, 100), false), "test");
    long before = window(3).requests();
    for (int i = 0; i < 20; i++) {
      float x = i * 0.25f;
      Answer answer = i % 2 == 0 ? http(server.httpPort(), MODEL, "", null, null, "id-" + i, x)
          : grpc(channel, MODEL, "", null, null, null, x);
      assertThat(answer.ok()).as(answer.error()).isTrue();
      assertThat(answer.version()).isEqualTo("1");
      assertThat(answer.y()).isEqualTo(x + 1);
    }
    // shadows finish after the answers: wait for all 20
    await().atMost(Duration.ofSeconds(10)).until(() -> window(3).requests() - before >= 20);
    VersionWindow shadow = window(3);
    assertThat(shadow.errors()).isZero();
    assertThat(shadow.meanOutputDiff()).as("|(x + 3) - (x + 1)|").isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(shadow.p99LatencyMicros()).isPositive();

    String metrics = CanaryClients.admin(server.adminPort(), "GET", "/metrics", null).body();
    assertThat(metrics).contains("sluice_canary_shadow_requests_total{model=\"shadow\",outcome=\"success\",version=\"3\"}");
    assertThat(metrics).contains("sluice_canary_shadow_latency_seconds_count{model=\"shadow\",version=\"3\"}");
    assertThat(metrics).contains("sluice_canary_shadow_percent{model=\"shadow\",version=\"3\"} 100.0");
    assertThat(metrics).contains("sluice_canary_shadow_output_difference{model=\"shadow\",version=\"3\"} 2.0");
  }

  @Test
  void nonFiniteShadowOutputsCountAsAnInfiniteDifference() {
    server.canary().service().setTraffic(MODEL, new TrafficPolicy(1, List.of(), Shadow.of(4, 100), false), "test");
    long before = window(4).requests();
    for (int i = 0; i < 5; i++) {
      Answer answer = http(server.httpPort(), MODEL, "", null, null, null, i);
      assertThat(answer.version()).isEqualTo("1");
      assertThat(answer.y()).isEqualTo(i + 1f);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> window(4).requests() - before >= 5);
    assertThat(window(4).meanOutputDiff()).isEqualTo(Double.POSITIVE_INFINITY);
  }
}
