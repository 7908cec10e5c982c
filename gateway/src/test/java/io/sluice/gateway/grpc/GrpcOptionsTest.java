package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GrpcOptionsTest {

  @Test
  void defaultsRaiseTheInboundLimitTo64MiB() {
    GrpcOptions options = GrpcOptions.defaults("127.0.0.1", 0);

    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isZero();
    assertThat(options.maxInboundMessageBytes()).isEqualTo(64 * 1024 * 1024);
  }

  @Test
  void rejectsInvalidValuesWithExpectedRanges() {
    assertThatThrownBy(() -> new GrpcOptions("127.0.0.1", -1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port: -1 (expected: 0..65535)");
    assertThatThrownBy(() -> new GrpcOptions("127.0.0.1", 65536, 1))
        .hasMessage("port: 65536 (expected: 0..65535)");
    assertThatThrownBy(() -> new GrpcOptions("127.0.0.1", 0, 0))
        .hasMessage("maxInboundMessageBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new GrpcOptions("", 0, 1)).hasMessageStartingWith("host: empty");
    assertThatThrownBy(() -> new GrpcOptions(null, 0, 1)).hasMessageStartingWith("host: empty");
  }

  @Test
  void acceptsTheWholePortRange() {
    assertThat(new GrpcOptions("::1", 65535, 1).port()).isEqualTo(65535);
  }
}
