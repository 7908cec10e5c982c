package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpOptionsTest {
  @Test
  void defaults() {
    HttpOptions options = HttpOptions.defaults("0.0.0.0", 8000);
    assertThat(options.maxBodyBytes()).isEqualTo(64 << 20);
    assertThat(options.maxHeaderBytes()).isEqualTo(16 << 10);
    assertThat(options.maxInitialLineBytes()).isEqualTo(8 << 10);
    assertThat(options.idleTimeoutSeconds()).isEqualTo(60);
    assertThat(options.eventLoopThreads()).isZero();
    assertThat(options.maxConnections()).isEqualTo(10_000);
    assertThat(options.maxPipelinedRequests()).isEqualTo(16);
  }

  @Test
  void invalidValuesAreNamedWithTheExpectation() {
    assertThatThrownBy(() -> new HttpOptions("h", 0, 0, 1, 1, 1, 0, 1, 1)).hasMessage("maxBodyBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, -1, 1, 1, 0, 1, 1))
        .hasMessage("maxHeaderBytes: -1 (expected: > 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, 1, 0, 1, 0, 1, 1))
        .hasMessage("maxInitialLineBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, 1, 1, 0, 0, 1, 1))
        .hasMessage("idleTimeoutSeconds: 0 (expected: > 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, 1, 1, 1, -1, 1, 1))
        .hasMessage("eventLoopThreads: -1 (expected: >= 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 65536, 1, 1, 1, 1, 0, 1, 1))
        .hasMessage("port: 65536 (expected: 0..65535)");
    assertThatThrownBy(() -> new HttpOptions("", 0, 1, 1, 1, 1, 0, 1, 1)).hasMessageStartingWith("host: empty");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, 1, 1, 1, 0, 0, 1))
        .hasMessage("maxConnections: 0 (expected: > 0)");
    assertThatThrownBy(() -> new HttpOptions("h", 0, 1, 1, 1, 1, 0, 1, 0))
        .hasMessage("maxPipelinedRequests: 0 (expected: > 0)");
  }
}
