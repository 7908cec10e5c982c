package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.grpc;
import static io.sluice.gateway.canary.CanaryClients.http;
import static io.sluice.gateway.canary.CanaryClients.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.sluice.canary.CanaryService;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.canary.CanaryClients.Answer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canary router over real HTTP and gRPC requests: explicit version > {@code x-sluice-version} pin > sticky
 * key ({@code x-sluice-routing-key}, else the request id) > weighted pick, with the headers and metadata as
 * clients send them (header names in any case; unary and streaming gRPC).
 */
class CanaryRoutingTest {
  private static final String MODEL = "route";

  private static SluiceServer server;
  private static ManagedChannel channel;
  private static CanaryService canary;

  @BeforeAll
  static void start() {
    server = CanaryTestServer.get();
    channel = CanaryTestServer.channel();
    canary = server.canary().service();
  }

  private static void policy(TrafficPolicy policy) {
    canary.setTraffic(MODEL, policy, "test");
  }

  private static String served(Answer answer, float x) {
    assertThat(answer.ok()).as(answer.error()).isTrue();
    assertThat(Integer.toString(answer.tag(x))).as("the output names the version").isEqualTo(answer.version());
    return answer.version();
  }

  @Test
  void explicitVersionBeatsPinAndPinBeatsPolicy() {
    policy(TrafficPolicy.of(1, Candidate.of(2, 100)));
    int port = server.httpPort();

    assertThat(served(http(port, MODEL, "", null, null, null, 0.5f), 0.5f)).as("policy").isEqualTo("2");
    assertThat(served(http(port, MODEL, "", null, "1", null, 0.5f), 0.5f)).as("pin").isEqualTo("1");
    assertThat(served(http(port, MODEL, "3", null, "1", null, 0.5f), 0.5f)).as("explicit").isEqualTo("3");
    assertThat(served(http(port, MODEL, "", "some-key", "3", "some-id", 0.5f), 0.5f)).as("pin beats sticky key")
        .isEqualTo("3");

    assertThat(served(grpc(channel, MODEL, "", null, null, null, 0.5f), 0.5f)).isEqualTo("2");
    assertThat(served(grpc(channel, MODEL, "", null, "1", null, 0.5f), 0.5f)).isEqualTo("1");
    assertThat(served(grpc(channel, MODEL, "3", null, "1", null, 0.5f), 0.5f)).isEqualTo("3");

    assertThat(served(stream(channel, MODEL, null, null, null, 0.5f), 0.5f)).isEqualTo("2");
    assertThat(served(stream(channel, MODEL, null, "3", null, 0.5f), 0.5f)).isEqualTo("3");
  }

  @Test
  void badOrUnloadedPinsAreRejectedLikeExplicitVersions() {
    policy(TrafficPolicy.of(1, Candidate.of(2, 50)));
    Answer unloaded = http(server.httpPort(), MODEL, "", null, "9", null, 0);
    assertThat(unloaded.status()).isEqualTo(404);
    assertThat(unloaded.error()).contains("unknown version 9 of model 'route'");
    Answer malformed = http(server.httpPort(), MODEL, "", null, "two", null, 0);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).isEqualTo("header x-sluice-version: 'two' (expected: a decimal version number)");
    assertThat(grpc(channel, MODEL, "", null, "9", null, 0).status()).isEqualTo(404);
    assertThat(grpc(channel, MODEL, "", null, "two", null, 0).status()).isEqualTo(400);
  }

  @Test
  void stickyKeysKeepTheirVersionOnEveryProtocol() {
    policy(new TrafficPolicy(1, List.of(Candidate.of(2, 50)), null, true));
    int port = server.httpPort();
    Map<String, String> versionOf = new HashMap<>();
    for (int k = 0; k < 30; k++) {
      String key = "user-" + k;
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 2; i++) {
        // a different request id each time: the routing key wins over the id
        seen.add(served(http(port, MODEL, "", key, null, "id-" + k + "-" + i, i), i));
        seen.add(served(grpc(channel, MODEL, "", key, null, "other-" + i, i), i));
      }
      seen.add(served(stream(channel, MODEL, key, null, null, 0), 0));
      assertThat(seen).as("key %s", key).hasSize(1);
      versionOf.put(key, seen.iterator().next());
    }
    assertThat(versionOf.values()).as("a 50/50 split gives both versions keys").contains("1", "2");

    // without a routing key the request id is the sticky key, and it hashes alike on both protocols
    for (int k = 0; k < 10; k++) {
      String id = "request-" + k;
      String version = served(http(port, MODEL, "", null, null, id, 0), 0);
      for (int i = 0; i < 3; i++) {
        assertThat(served(http(port, MODEL, "", null, null, id, 0), 0)).isEqualTo(version);
        assertThat(served(grpc(channel, MODEL, "", null, null, id, 0), 0)).isEqualTo(version);
      }
      assertThat(served(http(port, MODEL, "", id, null, null, 0), 0)).as("key and id hash alike")
          .isEqualTo(version);
    }
  }

  @Test
  void weightedPicksFollowThePolicy() {
    policy(TrafficPolicy.of(1, Candidate.of(2, 50)));
    int port = server.httpPort();
    int two = 0;
    for (int i = 0; i < 200; i++) {
      String version = i % 2 == 0 ? served(http(port, MODEL, "", null, null, "same-id", 0), 0)
          : served(grpc(channel, MODEL, "", "same-key", null, null, 0), 0);
      two += version.equals("2") ? 1 : 0;
    }
    // not sticky: keys and ids are ignored; binomial(200, 0.5) stays within 100 +- 40 (more than 5 sigma)
    assertThat(two).isBetween(60, 140);

    policy(TrafficPolicy.of(3));
    for (int i = 0; i < 20; i++) {
      assertThat(served(i % 2 == 0 ? http(port, MODEL, "", null, null, null, 0)
          : grpc(channel, MODEL, "", null, null, null, 0), 0)).isEqualTo("3");
    }

    canary.clearTraffic(MODEL, "test");
    assertThat(served(http(port, MODEL, "", null, null, null, 0), 0)).as("no policy: the highest version")
        .isEqualTo("3");
    policy(TrafficPolicy.of(1));
    assertThat(served(http(port, MODEL, "", null, null, null, 0), 0)).isEqualTo("1");
  }
}
