package io.sluice.gateway.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryOptionsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsKeepStateInMemory() {
    CanaryOptions defaults = CanaryOptions.defaults();
    assertThat(defaults.stateDir()).isNull();
    assertThat(defaults.auditFile()).isNull();
    assertThat(defaults.tickInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.scheduled()).isTrue();
    assertThat(ServerConfig.loopback(dir).canary()).isEqualTo(defaults);
  }

  @Test
  void stateDirHoldsTheAuditFile() {
    CanaryOptions options = CanaryOptions.ofStateDir(dir.resolve("state"));
    assertThat(options.auditFile()).isEqualTo(dir.resolve("state").resolve("audit.jsonl").toAbsolutePath());
    assertThat(ServerConfig.loopback(dir).withCanary(options).canary()).isEqualTo(options);
  }

  @Test
  void invalidOptionsAreRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> CanaryOptions.ofStateDir(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stateDir: " + file.toAbsolutePath() + " is not a directory (expected: a directory, created when"
            + " missing)");
    assertThatThrownBy(() -> new CanaryOptions(null, null, Duration.ZERO))
        .hasMessage("clock: null (expected: a Clock, e.g. Clock.systemUTC())");
    assertThatThrownBy(() -> new CanaryOptions(null, Clock.systemUTC(), Duration.ofSeconds(-1)))
        .hasMessage("tickInterval: PT-1S (expected: >= 0; 0 = manual ticks)");
    assertThatThrownBy(() -> ServerConfig.loopback(dir).withCanary(null))
        .hasMessageStartingWith("canary: null");
    assertThat(new CanaryOptions(null, Clock.systemUTC(), Duration.ZERO).scheduled()).isFalse();
  }
}
