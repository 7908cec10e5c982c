package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFrontEndLifecycleTest {
  @TempDir
  Path repository;

  private HttpFrontEnd frontEnd() throws Exception {
    ModelManager models = new ModelManager(new ModelRepository(repository),
        new VersionLoader(RuntimeOptions.defaults()));
    return new HttpFrontEnd(HttpOptions.defaults("127.0.0.1", 0), new InferenceDispatcher(models),
        new ServerQueries(models, "test", () -> true));
  }

  @Test
  void portIsKnownOnlyOnceStartedAndCloseIsIdempotent() throws Exception {
    HttpFrontEnd http = frontEnd();
    assertThatThrownBy(http::port).isInstanceOf(IllegalStateException.class);
    http.start();
    assertThat(http.port()).isPositive();
    assertThatThrownBy(http::start).isInstanceOf(IllegalStateException.class);
    http.close();
    http.close();
  }

  @Test
  void closeStopsAcceptingAndClosesIdleConnections() throws Exception {
    HttpFrontEnd http = frontEnd();
    http.start();
    int port = http.port();
    try (RawConnection idle = new RawConnection(port)) {
      assertThat(idle.send("GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
      http.close();
      assertThat(idle.closedByServer()).isTrue();
    }
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void closingANeverStartedFrontEndIsHarmless() throws Exception {
    HttpFrontEnd http = frontEnd();
    http.close();
    assertThatThrownBy(http::start).isInstanceOf(IllegalStateException.class);
  }
}
