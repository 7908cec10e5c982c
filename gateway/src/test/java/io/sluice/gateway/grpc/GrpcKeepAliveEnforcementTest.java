package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keepalive enforcement of the gRPC listener ({@code permitKeepAliveTime}, {@code permitKeepAliveWithoutCalls(false)},
 * from {@code --grpc-permit-keepalive-secs}), driven by a {@link RawHttp2Client}: grpc-java clients will not ping
 * more often than every 10 s, a raw HTTP/2 client pings back to back.
 *
 * <p>grpc-java counts a ping that comes too early as a strike and answers the third strike with GOAWAY
 * ENHANCE_YOUR_CALM "too_many_pings" (two are tolerated). Without a call in flight every ping within two hours
 * is too early, whatever the permit time; with a call in flight a ping is too early when it comes sooner than the
 * permit time after the last one (grpc-java starts counting when the connection opens). Nothing here depends on
 * timing: the early pings come milliseconds after the connection opens, far inside the 10 s permit time, and
 * "no GOAWAY" is read after a SETTINGS round trip, which the server answers only after handling everything sent
 * before it.
 */
class GrpcKeepAliveEnforcementTest {
  /** grpc-java tolerates two early pings and sends GOAWAY on the third. */
  private static final int PINGS_OVER_THE_LIMIT = 3;
  private static final Duration WAIT = Duration.ofSeconds(5);
  /** A unary method: with its request HEADERS sent and no message, the call stays in flight. */
  private static final String UNARY_METHOD = "/inference.GRPCInferenceService/ServerLive";

  @TempDir Path repo;
  private ModelManager models;
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

  @BeforeEach
  void loadNoModels() throws Exception {
    models = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()));
    models.loadAll();
  }

  @AfterEach
  void stop() throws Exception {
    // clients first, so no call is left for the server to drain
    for (AutoCloseable closeable = toClose.poll(); closeable != null; closeable = toClose.poll()) {
      closeable.close();
    }
    models.close(1_000);
  }

  @Test
  void pingsBackToBackWithNoCallInFlightGetGoAwayTooManyPingsAndTheConnectionIsClosed() throws Exception {
    // the permit time does not matter without calls: even 0 (no limit with calls) does not permit these pings
    RawHttp2Client client = connect(serve(0));

    client.ping(PINGS_OVER_THE_LIMIT);

    assertTooManyPings(client, 0);
  }

  @Test
  void aSinglePingWithNoCallInFlightIsAcknowledgedAndTheConnectionStaysOpen() throws Exception {
    RawHttp2Client client = connect(serve(GrpcOptions.DEFAULT_PERMIT_KEEP_ALIVE_TIME_SECONDS));

    assertThat(client.ping(1).get(0)).succeedsWithin(WAIT);

    assertStillOpen(client);
  }

  @Test
  void withACallInFlightAndNoPermitTimeTheSamePingsAreAcknowledged() throws Exception {
    RawHttp2Client client = connect(serve(0));
    client.startCall(UNARY_METHOD);

    List<CompletableFuture<Void>> acks = client.ping(PINGS_OVER_THE_LIMIT);

    assertThat(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    assertStillOpen(client);
  }

  @Test
  void withACallInFlightPingsMoreOftenThanThePermitTimeGetGoAwayTooManyPings() throws Exception {
    RawHttp2Client client = connect(serve(GrpcOptions.DEFAULT_PERMIT_KEEP_ALIVE_TIME_SECONDS));
    int call = client.startCall(UNARY_METHOD);

    client.ping(PINGS_OVER_THE_LIMIT);

    assertTooManyPings(client, call);
  }

  private static void assertTooManyPings(RawHttp2Client client, int lastStreamId) {
    assertThat(client.goAway()).succeedsWithin(WAIT).satisfies(goAway -> {
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code()).isEqualTo(0xbL);
      assertThat(goAway.debugData()).isEqualTo("too_many_pings");
      assertThat(goAway.lastStreamId()).isEqualTo(lastStreamId);
    });
    assertThat(client.closed()).succeedsWithin(WAIT);
  }

  private static void assertStillOpen(RawHttp2Client client) {
    assertThat(client.settingsRoundTrip()).succeedsWithin(WAIT);
    assertThat(client.goAway()).isNotDone();
    assertThat(client.closed()).isNotDone();
  }

  /** A started gRPC listener on a loopback ephemeral port with default limits but the permit time. */
  private GrpcFrontEnd serve(int permitKeepAliveTimeSeconds) throws Exception {
    GrpcOptions options = new GrpcOptions("127.0.0.1", 0, GrpcOptions.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
        GrpcOptions.DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION, GrpcOptions.DEFAULT_MAX_INBOUND_METADATA_BYTES,
        GrpcOptions.DEFAULT_KEEP_ALIVE_TIME_SECONDS, GrpcOptions.DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS,
        permitKeepAliveTimeSeconds, GrpcOptions.DEFAULT_MAX_CONNECTION_IDLE_SECONDS, null);
    GrpcFrontEnd frontEnd = new GrpcFrontEnd(options, new InferenceDispatcher(models),
        new ServerQueries(models, "test", () -> true));
    toClose.push(() -> frontEnd.close(0));
    frontEnd.start();
    return frontEnd;
  }

  private RawHttp2Client connect(GrpcFrontEnd frontEnd) throws Exception {
    RawHttp2Client client = RawHttp2Client.connect("127.0.0.1", frontEnd.port());
    toClose.push(client);
    return client;
  }
}
