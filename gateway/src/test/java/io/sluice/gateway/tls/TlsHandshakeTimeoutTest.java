package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.gateway.admin.AdminServer;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.grpc.GrpcFrontEnd;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpFrontEnd;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each TLS listener closes a connection whose handshake has not finished within the configured timeout (short
 * here), so clients that connect and say nothing cannot pile up.
 */
class TlsHandshakeTimeoutTest {
  private static final long TIMEOUT_MILLIS = 300;

  @TempDir Path dir;
  private ModelManager models;
  private HttpFrontEnd http;
  private GrpcFrontEnd grpc;
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    TestPki pki = TestPki.create(Files.createDirectory(dir.resolve("pki")));
    TlsOptions tls = pki.server().withHandshakeTimeoutMillis(TIMEOUT_MILLIS);
    models = new ModelManager(new ModelRepository(Files.createDirectory(dir.resolve("models"))),
        new VersionLoader(RuntimeOptions.defaults()));
    InferenceDispatcher dispatcher = new InferenceDispatcher(models);
    ServerQueries queries = new ServerQueries(models, "test", () -> true);
    http = new HttpFrontEnd(HttpOptions.defaults("127.0.0.1", 0).withTls(tls), dispatcher, queries);
    http.start();
    grpc = new GrpcFrontEnd(GrpcOptions.defaults("127.0.0.1", 0).withTls(tls), dispatcher, queries);
    grpc.start();
    admin = new AdminServer(AdminOptions.loopback().withTls(pki.mutual().withHandshakeTimeoutMillis(TIMEOUT_MILLIS)),
        new AdminRoutes());
    admin.start();
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close(0);
    }
    if (grpc != null) {
      grpc.close(0);
    }
    if (admin != null) {
      admin.close();
    }
    models.close(1_000);
  }

  @Test
  void httpClosesASilentConnectionAfterTheTimeout() throws Exception {
    assertClosedAfterTheTimeout(http.port());
  }

  @Test
  void grpcClosesASilentConnectionAfterTheTimeout() throws Exception {
    assertClosedAfterTheTimeout(grpc.port());
  }

  @Test
  void adminClosesASilentConnectionAfterTheTimeout() throws Exception {
    assertClosedAfterTheTimeout(admin.port());
  }

  private static void assertClosedAfterTheTimeout(int port) throws Exception {
    long opened = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20);

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
          .until(() -> TlsSockets.closedByServer(socket));
      // The server's timer starts when it accepts, which is after this side started connecting.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened)).isGreaterThanOrEqualTo(TIMEOUT_MILLIS);
    }
  }
}
