package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.benchmarks.load.report.LatencyLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HttpLoadGeneratorTest extends LoadGeneratorContractTest {

  @Override
  StubServer start(StubBehavior behavior) throws IOException {
    return new HttpStubServer(behavior);
  }

  @Override
  String failureStatus() {
    return "503";
  }

  @Override
  String scheme() {
    return "http";
  }

  @Test
  void sendsTheBinaryTensorExtensionWithExplicitInputs() throws IOException {
    try (HttpStubServer server = new HttpStubServer(StubBehavior.delay(0))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "50",
          "--warmup", "0s", "--requests", "5", "--protocol-format", "binary", "--input", "features:FP32:2x4",
          "--data", "zeros", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.summary().get("successes").asLong()).isEqualTo(5);
      assertThat(server.behavior().requests.get()).isEqualTo(5 + 3); // and three priming requests
      int headerLength = Integer.parseInt(server.lastHeaderLength);
      byte[] body = server.lastBody;
      JsonNode header = new ObjectMapper().readTree(Arrays.copyOf(body, headerLength));
      assertThat(header.get("inputs").get(0).get("shape").toString()).isEqualTo("[2,4]");
      assertThat(header.get("inputs").get(0).get("parameters").get("binary_data_size").asInt()).isEqualTo(32);
      assertThat(header.get("parameters").get("binary_data_output").asBoolean()).isTrue();
      assertThat(body.length - headerLength).isEqualTo(32);
    }
  }

  @Test
  void sendsJsonRecordsFromAJsonLinesFile() throws IOException {
    try (HttpStubServer server = new HttpStubServer(StubBehavior.delay(0))) {
      var data = temp.resolve("data.jsonl");
      Files.writeString(data, "{\"features\": [[1, 2, 3, 4]]}\n{\"features\": [5.5, 6, 7, 8]}\n");
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "50",
          "--warmup", "0s", "--requests", "2", "--data", data.toString(), "--max-lag", "1s", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode body = new ObjectMapper().readTree(server.lastBody);
      JsonNode input = body.get("inputs").get(0);
      assertThat(input.get("name").asText()).isEqualTo("features");
      assertThat(input.get("datatype").asText()).isEqualTo("FP32");
      assertThat(input.get("shape").toString()).isEqualTo("[1,4]");
      assertThat(input.get("data").toString()).isIn("[1.0,2.0,3.0,4.0]", "[5.5,6.0,7.0,8.0]");
      assertThat(run.summary().get("dataRecords").asInt()).isEqualTo(2);
    }
  }

  @Test
  void sweepFindsTheHighestSustainableRateOfAServerWithFixedCapacity() throws IOException {
    // one request at a time, 5 ms each: about 200 req/s of capacity
    try (HttpStubServer server = new HttpStubServer(new StubBehavior(5, 0, 0, 0, true))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--sweep",
          "--sweep-start", "60", "--sweep-step", "60", "--sweep-p99", "100ms", "--sweep-step-duration", "1s",
          "--warmup", "200ms", "--sweep-max-steps", "8", "--max-lag", "50ms", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode sweep = run.summary().get("sweep");
      assertThat(sweep.get("maxSustainableRate").asDouble()).isBetween(60.0, 240.0);
      assertThat(sweep.get("maxSustainableThroughput").asDouble()).isBetween(50.0, 240.0);
      JsonNode steps = sweep.get("steps");
      assertThat(steps.size()).isBetween(2, 5);
      assertThat(steps.get(steps.size() - 1).get("sustainable").asBoolean()).isFalse();
      assertThat(steps.get(0).get("sustainable").asBoolean()).isTrue();
      assertThat(run.summary().get("throughput").asDouble()).isEqualTo(sweep.get("maxSustainableThroughput").asDouble());
      assertThat(LatencyLogs.readByTag(run.output().resolve("latency.hlog"))).containsKeys("rate=60", "rate=120");
      assertThat(Files.readString(run.output().resolve("report.html"))).contains("rate=60", "rate=120");
      assertThat(run.out()).contains("highest sustainable throughput");
    }
  }

  @Test
  void rejectsFp16AsJsonWithAClearMessage() throws IOException {
    try (HttpStubServer server = new HttpStubServer(StubBehavior.delay(0))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub", "--rate", "10",
          "--input", "features:FP16:1x4");

      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("input 'features' is FP16, which cannot travel as JSON");
      assertThat(server.behavior().requests.get()).isZero();
    }
  }
}
