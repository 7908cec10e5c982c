package io.sluice.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsRequest;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.runtime.onnx.OnnxModelBuilder;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real server on loopback ports with a 100 ms latency interval: traffic over HTTP and gRPC, then
 * {@code /metrics}, {@code /admin/v1/latency}, {@code /admin/v1/latency.hlog} and the statistics extension
 * as an operator reads them. Counts are compared before and after each test's own traffic, and each test
 * uses its own model where it reads latency, so tests do not depend on their order.
 */
class MetricsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIXED_ADD = "fixed_add";
  private static final String TWO_OUTPUTS = "two_outputs";
  private static final String SPARE = "spare";
  private static final String SLOW = "slow_matmul";
  private static final int SLOW_WIDTH = 256;
  private static final int SLOW_ROWS = 128;
  private static final int SLOW_LAYERS = 48;
  private static final String REQUESTS = "sluice_inference_requests_total";

  private static Path repo;
  private static SluiceServer server;
  private static HttpClient http;
  private static ManagedChannel channel;
  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc;

  @BeforeAll
  static void start() throws Exception {
    repo = Files.createTempDirectory("sluice-metrics");
    SampleRepository.write(repo);
    TestModels.writeModel(repo, FIXED_ADD, 1, TestModels.fixedAdd());
    TestModels.writeModel(repo, TWO_OUTPUTS, 1, TestModels.twoOutputs());
    TestModels.writeModel(repo, SPARE, 1, TestModels.tagged(1));
    TestModels.writeModel(repo, SLOW, 1, slowModel());
    server = new SluiceServer(ServerConfig.loopback(repo)
        .withMetrics(new MetricsOptions(Duration.ofMillis(100), 600))).start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  /**
   * {@code y = x W W ... W} with {@value #SLOW_LAYERS} MatMuls by the {@value #SLOW_WIDTH}-square identity:
   * the same answer as the input, after enough arithmetic that one request takes milliseconds.
   */
  private static byte[] slowModel() {
    float[] identity = new float[SLOW_WIDTH * SLOW_WIDTH];
    for (int i = 0; i < SLOW_WIDTH; i++) {
      identity[i * SLOW_WIDTH + i] = 1f;
    }
    OnnxModelBuilder model = OnnxModelBuilder.graph(SLOW)
        .input("x", TensorProto.DataType.FLOAT, -1, SLOW_WIDTH)
        .initializer(OnnxModelBuilder.floatTensor("w", new long[] {SLOW_WIDTH, SLOW_WIDTH}, identity));
    String previous = "x";
    for (int layer = 1; layer <= SLOW_LAYERS; layer++) {
      String next = layer == SLOW_LAYERS ? "y" : "h" + layer;
      model.node("MatMul", List.of(previous, "w"), List.of(next));
      previous = next;
    }
    return model.output("y", TensorProto.DataType.FLOAT, -1, SLOW_WIDTH).toByteArray();
  }

  // ---- clients -----------------------------------------------------------------------------------------

  private static HttpResponse<byte[]> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static PrometheusText scrape() throws Exception {
    HttpResponse<byte[]> response = admin("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return new PrometheusText(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<byte[]> response = admin(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** An infer request for {@code fixed_add} ({@code a} + {@code b}, FP32 [2,2]); {@code shape} of a may differ. */
  private static String fixedAddJson(String shape) {
    return "{\"inputs\":[{\"name\":\"a\",\"shape\":" + shape + ",\"datatype\":\"FP32\",\"data\":[1,2,3,4]},"
        + "{\"name\":\"b\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,1,1,1]}]}";
  }

  private static int httpInfer(String model, String body) throws Exception {
    return post("/v2/models/" + model + "/infer", body).statusCode();
  }

  private static ModelInferRequest grpcFixedAdd(String model, long... shapeOfA) {
    return ModelInferRequest.newBuilder().setModelName(model)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("a").setDatatype("FP32")
            .addAllShape(List.of(shapeOfA[0], shapeOfA[1]))
            .setContents(InferTensorContents.newBuilder().addAllFp32Contents(List.of(1f, 2f, 3f, 4f))))
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("b").setDatatype("FP32")
            .addAllShape(List.of(2L, 2L))
            .setContents(InferTensorContents.newBuilder().addAllFp32Contents(List.of(1f, 1f, 1f, 1f))))
        .build();
  }

  private static ModelInferRequest grpcVector(String model) {
    return ModelInferRequest.newBuilder().setModelName(model)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(3)
            .setContents(InferTensorContents.newBuilder().addAllFp32Contents(List.of(-1f, 0f, 2f))))
        .build();
  }

  private static boolean grpcInfer(ModelInferRequest request) {
    try {
      grpc.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request);
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static String[] labels(String model, String version, String protocol, String outcome) {
    return new String[] {"model", model, "version", version, "protocol", protocol, "outcome", outcome};
  }

  // ---- tests -------------------------------------------------------------------------------------------

  @Test
  void requestsAreCountedByModelVersionProtocolAndOutcome() throws Exception {
    PrometheusText before = scrape();

    for (int i = 0; i < 3; i++) {
      assertThat(httpInfer(FIXED_ADD, fixedAddJson("[2,2]"))).isEqualTo(200);
    }
    assertThat(httpInfer(FIXED_ADD, fixedAddJson("[4,1]"))).isEqualTo(400);
    assertThat(httpInfer(FIXED_ADD, "{\"inputs\":")).isEqualTo(400);
    assertThat(httpInfer("no_such_model", fixedAddJson("[2,2]"))).isEqualTo(404);
    assertThat(httpInfer(FIXED_ADD + "/versions/9", fixedAddJson("[2,2]"))).isEqualTo(404);
    for (int i = 0; i < 4; i++) {
      assertThat(grpcInfer(grpcFixedAdd(FIXED_ADD, 2, 2))).isTrue();
    }
    assertThat(grpcInfer(grpcFixedAdd(FIXED_ADD, 4, 1))).isFalse();
    assertThat(grpcInfer(grpcFixedAdd("ghost_1", 2, 2))).isFalse();
    assertThat(grpcInfer(grpcFixedAdd("ghost_2", 2, 2))).isFalse();

    // Counted when the answer was written, which may be a moment after the client read it.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      PrometheusText after = scrape();
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "1", "http", "success"))).isEqualTo(3);
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "1", "http", "invalid"))).isEqualTo(1);
      // Undecodable: never reached a version, but the model is known.
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "none", "http", "invalid"))).isEqualTo(1);
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "none", "http", "not_found"))).isEqualTo(1);
      assertThat(delta(before, after, REQUESTS, labels("(unknown)", "none", "http", "not_found"))).isEqualTo(1);
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "1", "grpc", "success"))).isEqualTo(4);
      assertThat(delta(before, after, REQUESTS, labels(FIXED_ADD, "1", "grpc", "invalid"))).isEqualTo(1);
      assertThat(delta(before, after, REQUESTS, labels("(unknown)", "none", "grpc", "not_found"))).isEqualTo(2);
      assertThat(delta(before, after, "sluice_inference_latency_seconds_count",
          "model", FIXED_ADD, "version", "1", "protocol", "http")).isEqualTo(3);
      assertThat(delta(before, after, "sluice_inference_latency_seconds_count",
          "model", FIXED_ADD, "version", "1", "protocol", "grpc")).isEqualTo(4);
    });
    PrometheusText after = scrape();
    assertThat(after.find(REQUESTS, "model", "no_such_model")).isEmpty();
    assertThat(after.find(REQUESTS, "model", "ghost_1")).isEmpty();
  }

  @Test
  void moreRequestsCreateNoMeters() throws Exception {
    // Warm every series this test touches once, then count the meters.
    assertThat(httpInfer(SPARE, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"))
        .isEqualTo(200);
    assertThat(grpcInfer(grpcVector(SPARE))).isTrue();
    PrometheusText before = scrape();
    // Only Sluice's own meters: the JVM binders may add one when, say, a new kind of GC first runs.
    long meters = sluiceMeters(server);

    for (int i = 0; i < 20; i++) {
      assertThat(httpInfer(SPARE, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
          + "\"data\":[" + i + "]}]}")).isEqualTo(200);
      assertThat(grpcInfer(grpcVector(SPARE))).isTrue();
      assertThat(httpInfer("unknown_" + i, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
          + "\"data\":[1]}]}")).isEqualTo(404);
      assertThat(grpcInfer(grpcVector("unknown_grpc_" + i))).isFalse();
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      PrometheusText after = scrape();
      assertThat(delta(before, after, REQUESTS, labels(SPARE, "1", "http", "success"))).isEqualTo(20);
      assertThat(delta(before, after, REQUESTS, labels(SPARE, "1", "grpc", "success"))).isEqualTo(20);
    });
    assertThat(sluiceMeters(server)).isEqualTo(meters);
    assertThat(scrape().samples()).noneMatch(sample -> sample.labels().getOrDefault("model", "")
        .startsWith("unknown_"));
  }

  @Test
  void metricsExposeGaugesModelStatesAndTheProcess() throws Exception {
    HttpResponse<byte[]> response = admin("/metrics");
    assertThat(response.headers().firstValue("content-type")).hasValue(MetricsEndpoints.PROMETHEUS_TEXT);
    PrometheusText metrics = scrape();

    assertThat(metrics.value("sluice_inference_queue_depth", "model", SampleRepository.CLASSIFIER,
        "version", "2")).isZero();
    assertThat(metrics.value("sluice_inference_in_flight", "model", SampleRepository.CLASSIFIER,
        "version", "1")).isZero();
    assertThat(metrics.value("sluice_model_state", "model", SampleRepository.CLASSIFIER, "state", "READY"))
        .isEqualTo(1.0);
    assertThat(metrics.value("sluice_model_state", "model", SampleRepository.CLASSIFIER, "state",
        "UNAVAILABLE")).isZero();
    assertThat(metrics.find("sluice_inference_latency_seconds_bucket", "model", SampleRepository.LOOKUP,
        "protocol", "grpc")).extracting(sample -> sample.labels().get("le"))
        .contains("0.001", "0.005", "0.01", "0.1", "1.0", "+Inf");
    assertThat(metrics.value("sluice_metrics_errors_total")).isZero();
    for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "system_cpu_count",
        "process_uptime_seconds", "jvm_gc_memory_allocated_bytes_total"}) {
      assertThat(metrics.find(jvm)).as(jvm).isNotEmpty();
    }
  }

  @Test
  void latencyIsReportedPerSeriesAsJsonAndAsAnHdrHistogramLog() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(httpInfer(TWO_OUTPUTS,
          "{\"inputs\":[{\"name\":\"x\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[-1,0,2]}]}")).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(grpcInfer(grpcVector(TWO_OUTPUTS))).isTrue();
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode latency = json("/admin/v1/latency?model=" + TWO_OUTPUTS);
      assertThat(latency.path("series")).hasSize(2);
      for (JsonNode series : latency.path("series")) {
        int expected = series.path("protocol").asText().equals("http") ? 5 : 3;
        assertThat(series.path("cumulative").path("count").asLong()).isEqualTo(expected);
      }
    });
    JsonNode latency = json("/admin/v1/latency?model=" + TWO_OUTPUTS + "&version=1&protocol=http");
    assertThat(latency.path("unit").asText()).isEqualTo("microseconds");
    assertThat(latency.path("intervalSeconds").asDouble()).isEqualTo(0.1);
    assertThat(latency.path("series")).hasSize(1);
    JsonNode series = latency.path("series").path(0);
    assertThat(series.path("model").asText()).isEqualTo(TWO_OUTPUTS);
    assertThat(series.path("version").asText()).isEqualTo("1");
    assertThat(series.path("protocol").asText()).isEqualTo("http");
    JsonNode cumulative = series.path("cumulative");
    for (String field : new String[] {"startMillis", "endMillis", "count", "p50", "p90", "p99", "p999", "max",
        "mean"}) {
      assertThat(cumulative.path(field).isNumber()).as(field).isTrue();
      assertThat(series.path("interval").path(field).isNumber()).as(field).isTrue();
    }
    assertThat(cumulative.path("p50").asDouble()).isPositive();
    assertThat(cumulative.path("p50").asDouble()).isLessThanOrEqualTo(cumulative.path("p99").asDouble());
    assertThat(cumulative.path("p99").asDouble()).isLessThanOrEqualTo(cumulative.path("max").asDouble());
    for (String phase : new String[] {"decode", "execute", "encode"}) {
      assertThat(series.path("phases").path(phase).path("cumulative").path("count").asLong()).as(phase)
          .isEqualTo(5);
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<EncodableHistogram> log = hlog("/admin/v1/latency.hlog?model=" + TWO_OUTPUTS);
      assertThat(log).extracting(EncodableHistogram::getTag).containsOnly(TWO_OUTPUTS + "/1/http",
          TWO_OUTPUTS + "/1/grpc");
      assertThat(count(log, TWO_OUTPUTS + "/1/http")).isEqualTo(5);
      assertThat(count(log, TWO_OUTPUTS + "/1/grpc")).isEqualTo(3);
    });
  }

  @Test
  void badLatencyFiltersAreClientErrors() throws Exception {
    assertThat(admin("/admin/v1/latency?version=1").statusCode()).isEqualTo(400);
    assertThat(admin("/admin/v1/latency?protocol=ftp").statusCode()).isEqualTo(400);
    HttpResponse<byte[]> unknown = admin("/admin/v1/latency?model=nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("error").asText()).contains("nope");
    assertThat(admin("/admin/v1/latency.hlog?model=nope").statusCode()).isEqualTo(404);
  }

  @Test
  void aSlowModelsLatencyIsAtLeastTheTimeTheServerSpentOnIt() throws Exception {
    ByteBuffer raw = ByteBuffer.allocate(SLOW_ROWS * SLOW_WIDTH * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < SLOW_ROWS * SLOW_WIDTH; i++) {
      raw.putFloat(i % 7);
    }
    raw.flip();
    assertThat(grpcInfer(ModelInferRequest.newBuilder().setModelName(SLOW)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
            .addShape(SLOW_ROWS).addShape(SLOW_WIDTH))
        .addRawInputContents(ByteString.copyFrom(raw)).build())).isTrue();

    ModelStatistics statistics = grpc.modelStatistics(ModelStatisticsRequest.newBuilder().setName(SLOW)
        .setVersion("1").build()).getModelStats(0);
    assertThat(statistics.getInferenceStats().getSuccess().getCount()).isEqualTo(1);
    // The runtime's own clock for this one request: from its first bytes to its outputs copied.
    double serverMicros = statistics.getInferenceStats().getSuccess().getNs() / 1000.0;
    double inferMicros = statistics.getInferenceStats().getComputeInfer().getNs() / 1000.0;
    assertThat(inferMicros).as("the model is slow enough to matter").isGreaterThan(1_000.0);

    await().atMost(Duration.ofSeconds(10)).until(() -> json("/admin/v1/latency?model=" + SLOW + "&protocol=grpc")
        .path("series").path(0).path("cumulative").path("count").asLong() == 1);
    JsonNode series = json("/admin/v1/latency?model=" + SLOW + "&protocol=grpc").path("series").path(0);
    // End to end spans the runtime's part and more; HdrHistogram never reports below the recorded value.
    for (String percentile : new String[] {"p50", "p90", "p99", "p999", "max"}) {
      assertThat(series.path("cumulative").path(percentile).asDouble()).as(percentile)
          .isGreaterThanOrEqualTo(serverMicros);
    }
    assertThat(series.path("phases").path("execute").path("cumulative").path("p50").asDouble())
        .isGreaterThanOrEqualTo(inferMicros);
  }

  @Test
  void statisticsCountRequestsAVersionRefusedAsFailuresWithoutRunningThem() throws Exception {
    JsonNode before = stats(TWO_OUTPUTS);

    assertThat(httpInfer(TWO_OUTPUTS,
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[3],\"datatype\":\"INT32\",\"data\":[1,2,3]}]}")).isEqualTo(400);

    JsonNode after = stats(TWO_OUTPUTS);
    JsonNode failBefore = before.path("inference_stats").path("fail");
    JsonNode fail = after.path("inference_stats").path("fail");
    assertThat(fail.path("count").asLong()).isEqualTo(failBefore.path("count").asLong() + 1);
    assertThat(fail.path("ns").asLong()).isGreaterThan(failBefore.path("ns").asLong());
    assertThat(after.path("inference_stats").path("success").path("count").asLong())
        .isEqualTo(before.path("inference_stats").path("success").path("count").asLong());
    assertThat(after.path("execution_count").asLong()).isEqualTo(before.path("execution_count").asLong());
    ModelStatistics viaGrpc = grpc.modelStatistics(ModelStatisticsRequest.newBuilder().setName(TWO_OUTPUTS)
        .setVersion("1").build()).getModelStats(0);
    assertThat(viaGrpc.getInferenceStats().getFail().getCount()).isEqualTo(fail.path("count").asLong());

    // Every statistic is a JSON number, as perf_analyzer parses them.
    for (String phase : new String[] {"success", "fail", "queue", "compute_input", "compute_infer",
        "compute_output"}) {
      assertThat(after.path("inference_stats").path(phase).path("count").isIntegralNumber()).as(phase).isTrue();
      assertThat(after.path("inference_stats").path(phase).path("ns").isIntegralNumber()).as(phase).isTrue();
    }
    assertThat(after.path("inference_count").isIntegralNumber()).isTrue();
    assertThat(after.path("last_inference").isIntegralNumber()).isTrue();
  }

  @Test
  void statisticsReportExecutionsPerBatchSize() throws Exception {
    assertThat(httpInfer(SampleRepository.CLASSIFIER, "{\"inputs\":[{\"name\":\"features\",\"shape\":[3,4],"
        + "\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7,8,9,10,11,12]}]}")).isEqualTo(200);

    JsonNode stats = stats(SampleRepository.CLASSIFIER);
    JsonNode batches = stats.path("batch_stats");
    assertThat(batches.isArray()).isTrue();
    long executions = 0;
    boolean sawThree = false;
    for (JsonNode batch : batches) {
      assertThat(batch.path("batch_size").isIntegralNumber()).isTrue();
      executions += batch.path("compute_infer").path("count").asLong();
      sawThree |= batch.path("batch_size").asLong() == 3;
    }
    assertThat(sawThree).isTrue();
    assertThat(executions).isEqualTo(stats.path("execution_count").asLong());
  }

  private static JsonNode stats(String model) throws Exception {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.httpPort() + "/v2/models/" + model + "/stats")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode all = JSON.readTree(response.body()).path("model_stats");
    return all.path(all.size() - 1);
  }

  private static List<EncodableHistogram> hlog(String path) throws Exception {
    HttpResponse<byte[]> response = admin(path);
    assertThat(response.statusCode()).isEqualTo(200);
    HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(response.body()));
    List<EncodableHistogram> histograms = new ArrayList<>();
    EncodableHistogram next;
    while ((next = reader.nextIntervalHistogram()) != null) {
      histograms.add(next);
    }
    return histograms;
  }

  private static long count(List<EncodableHistogram> log, String tag) {
    long total = 0;
    for (EncodableHistogram histogram : log) {
      if (tag.equals(histogram.getTag())) {
        total += ((org.HdrHistogram.Histogram) histogram).getTotalCount();
      }
    }
    return total;
  }

  private static long sluiceMeters(io.sluice.gateway.SluiceServer server) {
    return server.metrics().registry().getMeters().stream()
        .filter(meter -> meter.getId().getName().startsWith("sluice.")).count();
  }
}
