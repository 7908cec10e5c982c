package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.benchmarks.load.report.LatencyLogs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator's measurement against a stub server with known behaviour; runs once per transport.
 * Latencies in {@code summary.json} are microseconds.
 */
abstract class LoadGeneratorContractTest {

  @TempDir
  Path temp;

  /** Starts a stub of this transport on a loopback port 0. */
  abstract StubServer start(StubBehavior behavior) throws IOException;

  /** The error key a failing stub request produces on this transport (503 / UNAVAILABLE). */
  abstract String failureStatus();

  /** The URL scheme of this transport. */
  abstract String scheme();

  @Test
  void openLoopLatencyIncludesTheInjectedDelay() throws IOException {
    try (StubServer server = start(StubBehavior.delay(5))) {
      // --max-lag 50ms: sends descheduled for tens of milliseconds on a busy machine are not what this tests
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "200",
          "--warmup", "300ms", "--duration", "1500ms", "--max-lag", "50ms", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode summary = run.summary();
      assertThat(summary.get("p50").asLong()).isGreaterThanOrEqualTo(5_000);
      assertThat(summary.get("p90").asLong()).isGreaterThanOrEqualTo(summary.get("p50").asLong());
      assertThat(summary.get("p99").asLong()).isBetween(5_000L, 400_000L);
      assertThat(summary.get("p999").asLong()).isLessThanOrEqualTo(summary.get("max").asLong());
      assertThat(summary.get("throughput").asDouble()).isBetween(150.0, 215.0);
      assertThat(summary.get("errors").asLong()).isZero();
      assertThat(summary.get("successes").asLong()).isBetween(280L, 310L);
      assertThat(summary.get("clientKeptUp").asBoolean()).isTrue();
      assertThat(summary.get("mean").asDouble()).isGreaterThanOrEqualTo(5_000);
      assertThat(summary.has("stddev")).isTrue();
      JsonNode breakdown = summary.get("server");
      assertThat(breakdown.get("requests").asLong()).isGreaterThan(200);
      assertThat(breakdown.get("queueUs").asDouble()).isEqualTo(1.0);
      assertThat(breakdown.get("computeInputUs").asDouble()).isEqualTo(2.0);
      assertThat(breakdown.get("computeOutputUs").asDouble()).isEqualTo(3.0);
      assertThat(breakdown.get("totalUs").asDouble()).isGreaterThanOrEqualTo(5_000);
      assertThat(summary.get("inputs").get(0).get("shape").toString()).isEqualTo("[1,4]");

      Map<String, Histogram> log = LatencyLogs.readByTag(run.output().resolve("latency.hlog"));
      assertThat(log).containsOnlyKeys("");
      assertThat(log.get("").getTotalCount()).isEqualTo(summary.get("successes").asLong());
      assertThat(log.get("").getValueAtPercentile(50)).isEqualTo(summary.get("p50").asLong());

      String html = Files.readString(run.output().resolve("report.html"), StandardCharsets.UTF_8);
      assertThat(html).contains("<svg", "<polyline", "sluice-bench-data").doesNotContain("<script src", "http://cdn");
    }
  }

  @Test
  void openLoopChargesRequestsScheduledDuringAStallFromTheirIntendedTime() {
    // 200 req/s; the stall starts at the 150th request (0.75 s, inside the window) and holds ~100 requests
    try (StubServer server = start(new StubBehavior(5, 150, 500, 0, false))) {
      // --max-lag 50ms: on a busy machine (other builds on the same cores) sends can be descheduled for tens of
      // milliseconds; the client's own punctuality is not under test here, the stall is
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "200",
          "--warmup", "250ms", "--duration", "2s", "--max-lag", "50ms", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode summary = run.summary();
      assertThat(summary.get("max").asLong()).isGreaterThanOrEqualTo(500_000);
      // a quarter of the window's requests waited out part of the stall: the tail shows all of them
      assertThat(summary.get("p90").asLong()).isGreaterThan(150_000);
      assertThat(summary.get("p99").asLong()).isGreaterThan(400_000);
      Histogram latency = LatencyLogs.readByTag(run.output().resolve("latency.hlog")).get("");
      assertThat(latency.getCountBetweenValues(250_000, latency.getMaxValue())).isGreaterThanOrEqualTo(40);
      assertThat(summary.get("p50").asLong()).isLessThan(100_000);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void closedLoopKeepsTheConcurrency() throws IOException {
    try (StubServer server = start(StubBehavior.delay(5))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub",
          "--concurrency", "4", "--warmup", "200ms", "--duration", "1s", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode summary = run.summary();
      assertThat(summary.get("mode").asText()).isEqualTo("closed-loop");
      assertThat(summary.get("p50").asLong()).isGreaterThanOrEqualTo(5_000);
      // at most 4 in flight, 5 ms each: at most 800 req/s
      assertThat(summary.get("throughput").asDouble()).isBetween(100.0, 800.0);
      assertThat(server.behavior().maxInFlight.get()).isBetween(2, 4);
    }
  }

  @Test
  void countsErrorsByStatus() throws IOException {
    try (StubServer server = start(new StubBehavior(1, 0, 0, 4, false))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "100",
          "--warmup", "0s", "--duration", "1s", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode summary = run.summary();
      long errors = summary.get("errors").asLong();
      assertThat(summary.get("errorsByStatus").get(failureStatus()).asLong()).isEqualTo(errors);
      assertThat(summary.get("errorsByStatus").size()).isEqualTo(1);
      assertThat(errors).isEqualTo(server.behavior().failures.get()).isBetween(20L, 30L);
      // the server also answered the three unmeasured priming requests (numbers 1 to 3: none fails)
      assertThat(summary.get("successes").asLong()).isEqualTo(server.behavior().successes.get() - 3);
      assertThat(run.out()).contains(failureStatus() + ": " + errors);
    }
  }

  @Test
  void reportsWhenTheClientCannotKeepUp() throws IOException {
    // 200 req/s at 200 ms each needs 40 in flight; the client may hold only 5
    try (StubServer server = start(StubBehavior.delay(200))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "200",
          "--warmup", "0s", "--duration", "2s", "--max-outstanding", "5", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CLIENT_LIMIT);
      assertThat(run.err()).contains("could not keep up with 200 req/s", "--max-outstanding");
      JsonNode summary = run.summary();
      assertThat(summary.get("clientKeptUp").asBoolean()).isFalse();
      assertThat(summary.get("clientLimit").get("kind").asText()).isEqualTo("OUTSTANDING");
      assertThat(Files.readString(run.output().resolve("report.html"))).contains("NOT A VALID MEASUREMENT");
    }
  }

  @Test
  void unknownModelExitsWithAClearMessage() throws IOException {
    try (StubServer server = start(StubBehavior.delay(0))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "nope", "--rate", "10");

      assertThat(run.exitCode()).isEqualTo(ExitCodes.TARGET);
      assertThat(run.err().strip()).startsWith("sluice-bench: model 'nope' not found on " + server.target())
          .doesNotContain("Exception", "\tat ");
      assertThat(server.behavior().requests.get()).isZero();
    }
  }

  @Test
  void unreachableServerExitsWithAClearMessage() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String target = scheme() + "://127.0.0.1:" + port;
    BenchRun run = BenchRun.of(temp.resolve("out"), "--target", target, "--model", "stub", "--rate", "10");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.TARGET);
    assertThat(run.err().strip()).isEqualTo("sluice-bench: cannot connect to " + target + " (connection refused)");
  }
}
