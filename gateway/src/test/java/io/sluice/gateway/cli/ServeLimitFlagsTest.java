package io.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.core.AdmissionOptions;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The limit flags of {@code sluice serve}: defaults, values reaching the options, and invalid values refused. */
class ServeLimitFlagsTest {
  @TempDir
  Path repository;

  @Test
  void defaultsMatchTheOptionsDefaults() {
    LimitFlags flags = parse();
    HttpOptions http = flags.http("127.0.0.1", 0, 1024);
    assertThat(http.maxConnections()).isEqualTo(HttpOptions.DEFAULT_MAX_CONNECTIONS);
    assertThat(http.maxPipelinedRequests()).isEqualTo(HttpOptions.DEFAULT_MAX_PIPELINED_REQUESTS);
    assertThat(http.maxBodyBytes()).isEqualTo(1024);
    assertThat(http).isEqualTo(HttpOptions.defaults("127.0.0.1", 0).withMaxBodyBytes(1024));
    assertThat(flags.admission()).isEqualTo(AdmissionOptions.defaults());
    assertThat(flags.grpc("127.0.0.1", 0, 1024)).isEqualTo(new GrpcOptions("127.0.0.1", 0, 1024));
  }

  @Test
  void valuesReachTheOptions() {
    LimitFlags flags = parse("--http-max-connections", "7", "--http-max-pipelined", "3", "--http-idle-timeout-secs",
        "9", "--max-requests-in-flight", "11", "--max-bytes-in-flight-mb", "2", "--retry-after-secs", "4",
        "--grpc-max-concurrent-streams", "5", "--grpc-keepalive-secs", "30", "--grpc-permit-keepalive-secs", "6",
        "--http-max-header-bytes", "2048", "--http-max-request-line-bytes", "512");
    HttpOptions http = flags.http("0.0.0.0", 1, 2);
    assertThat(http.maxConnections()).isEqualTo(7);
    assertThat(http.maxPipelinedRequests()).isEqualTo(3);
    assertThat(http.idleTimeoutSeconds()).isEqualTo(9);
    assertThat(http.maxHeaderBytes()).isEqualTo(2048);
    assertThat(http.maxInitialLineBytes()).isEqualTo(512);
    assertThat(flags.admission()).isEqualTo(new AdmissionOptions(11, 2L << 20, 4));
    GrpcOptions grpc = flags.grpc("0.0.0.0", 1, 2);
    assertThat(grpc.maxConcurrentCallsPerConnection()).isEqualTo(5);
    assertThat(grpc.keepAliveTimeSeconds()).isEqualTo(30);
    assertThat(grpc.permitKeepAliveTimeSeconds()).isEqualTo(6);
  }

  @Test
  void anInvalidLimitStopsServeWithUsageErrorAndNoStackTrace() {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new SluiceCommand()).setErr(new PrintWriter(err)).execute("serve",
        "--model-repository", repository.toString(), "--http-max-connections", "0");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("maxConnections: 0 (expected: > 0)").doesNotContain("at io.sluice");
  }

  private static LimitFlags parse(String... args) {
    LimitFlags flags = new LimitFlags();
    new CommandLine(new Holder(flags)).parseArgs(args);
    return flags;
  }

  @CommandLine.Command(name = "holder")
  static final class Holder {
    @CommandLine.Mixin
    final LimitFlags limits;

    Holder(LimitFlags limits) {
      this.limits = limits;
    }
  }
}
