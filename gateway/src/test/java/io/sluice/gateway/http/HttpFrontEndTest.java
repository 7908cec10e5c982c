package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints over a real socket: paths, methods, bodies and status codes of the HTTP binding. */
class HttpFrontEndTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CLASSIFIER = SampleRepository.CLASSIFIER;
  private static final String FEATURES_JSON = "{\"id\":\"r1\",\"inputs\":[{\"name\":\"features\",\"datatype\":"
      + "\"FP32\",\"shape\":[2,4],\"data\":[[0.5,-1.25,2,0.75],[-0.3,0.1,1.5,-2]]}]}";

  @TempDir
  static Path repository;

  private static HttpTestServer server;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    server = HttpTestServer.start(repository, HttpOptions.defaults("127.0.0.1", 0));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String messagePart)
      throws IOException {
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.size()).isEqualTo(1);
    assertThat(body.path("error").asText()).contains(messagePart).doesNotContain("Exception")
        .doesNotContain(repository.toString()).doesNotContain("io.sluice");
  }

  @Test
  void serverMetadataOnBothPaths() throws Exception {
    for (String path : new String[] {"/v2", "/v2/", "/v2?verbose=true"}) {
      HttpResponse<byte[]> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      JsonNode body = json(response);
      assertThat(body.path("name").asText()).isEqualTo("sluice");
      assertThat(body.path("version").asText()).isEqualTo("test");
      assertThat(body.path("extensions").toString()).contains("binary_tensor_data");
    }
  }

  @Test
  void healthBodiesAndNotReady() throws Exception {
    assertThat(new String(get("/v2/health/live").body(), StandardCharsets.UTF_8)).isEqualTo("{\"live\":true}");
    assertThat(new String(get("/v2/health/ready?x=1").body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"ready\":true}");
    server.accepting.set(false);
    try {
      assertError(get("/v2/health/ready"), 503, "not ready");
      assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
    } finally {
      server.accepting.set(true);
    }
  }

  @Test
  void modelReadiness() throws Exception {
    HttpResponse<byte[]> ready = get("/v2/models/" + CLASSIFIER + "/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).path("name").asText()).isEqualTo(CLASSIFIER);
    assertThat(json(ready).path("ready").asBoolean()).isTrue();
    assertThat(get("/v2/models/" + CLASSIFIER + "/versions/1/ready").statusCode()).isEqualTo(200);
    assertError(get("/v2/models/" + CLASSIFIER + "/versions/7/ready"), 503, "not ready");
    assertError(get("/v2/models/no_such_model/ready"), 404, "no_such_model");
    assertError(get("/v2/models/" + CLASSIFIER + "/versions/v1/ready"), 400, "version");
    assertError(get("/v2/models/..%2F..%2Fetc%2Fpasswd/ready"), 404, "unknown model");
    try (RawConnection connection = new RawConnection(server.port())) {
      RawConnection.Response malformed = connection.send("GET /v2/models/bad%zz/ready HTTP/1.1\r\nHost: t\r\n\r\n")
          .read();
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.json().path("error").asText()).contains("percent-encoding");
    }
  }

  @Test
  void modelNamesArePercentDecoded() throws Exception {
    String encoded = CLASSIFIER.replace("_", "%5F");
    assertThat(get("/v2/models/" + encoded + "/versions/%32").statusCode()).isEqualTo(200);
  }

  @Test
  void metadataConfigAndStatisticsAreJsonWithNumbers() throws Exception {
    JsonNode metadata = json(get("/v2/models/" + CLASSIFIER));
    assertThat(metadata.path("versions").toString()).isEqualTo("[\"1\",\"2\"]");
    assertThat(metadata.path("inputs").path(0).path("shape").toString()).isEqualTo("[-1,4]");
    assertThat(metadata.path("inputs").path(0).path("datatype").asText()).isEqualTo("FP32");

    JsonNode config = json(get("/v2/models/" + CLASSIFIER + "/versions/1/config"));
    assertThat(config.path("max_batch_size").isInt()).isTrue();
    assertThat(config.path("max_batch_size").asInt()).isEqualTo(64);
    assertThat(config.path("input").path(0).path("data_type").asText()).isEqualTo("TYPE_FP32");
    assertThat(config.path("input").path(0).path("dims").path(0).isIntegralNumber()).isTrue();

    assertThat(post("/v2/models/" + CLASSIFIER + "/versions/1/infer", FEATURES_JSON.getBytes(StandardCharsets.UTF_8))
        .statusCode()).isEqualTo(200);
    JsonNode stats = json(get("/v2/models/" + CLASSIFIER + "/versions/1/stats"));
    JsonNode success = stats.path("model_stats").path(0).path("inference_stats").path("success");
    assertThat(success.path("count").isIntegralNumber()).isTrue();
    assertThat(success.path("count").asLong()).isPositive();
    assertThat(success.path("ns").isIntegralNumber()).isTrue();
    assertThat(stats.path("model_stats").path(0).path("inference_stats").path("cache_hit").path("count").isNumber())
        .isTrue();
    assertThat(stats.path("model_stats").path(0).path("last_inference").isIntegralNumber()).isTrue();

    JsonNode all = json(get("/v2/models/stats"));
    assertThat(all.path("model_stats").findValuesAsText("name")).contains(CLASSIFIER, SampleRepository.LOOKUP,
        HttpTestServer.TWO_OUTPUTS);
    assertThat(json(get("/v2/models/" + CLASSIFIER + "/stats")).path("model_stats")).hasSize(2);
    assertError(get("/v2/models/nope/config"), 404, "nope");
  }

  @Test
  void unknownPathsAndWrongMethods() throws Exception {
    assertError(get("/v3/models"), 404, "unknown path");
    assertError(get("/v2/repository/index"), 405, "GET");
    assertError(get("/v2/repository/models/m/explain"), 404, "unknown path");
    assertError(get("/v2/models/" + CLASSIFIER + "/explain"), 404, "unknown path");
    HttpResponse<byte[]> postLive = post("/v2/health/live", new byte[0]);
    assertError(postLive, 405, "POST");
    assertThat(postLive.headers().firstValue("allow")).hasValue("GET");
    HttpResponse<byte[]> getInfer = get("/v2/models/" + CLASSIFIER + "/infer");
    assertError(getInfer, 405, "GET");
    assertThat(getInfer.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void jsonInference() throws Exception {
    HttpResponse<byte[]> response = post("/v2/models/" + CLASSIFIER + "/infer",
        FEATURES_JSON.getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.path("model_name").asText()).isEqualTo(CLASSIFIER);
    assertThat(body.path("model_version").asText()).isEqualTo("2");
    assertThat(body.path("id").asText()).isEqualTo("r1");
    JsonNode output = body.path("outputs").path(0);
    assertThat(output.path("shape").toString()).isEqualTo("[2,3]");
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      sum += output.path("data").path(i).asDouble();
    }
    assertThat(sum).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void binaryInferenceWithLowerCaseHeaderAndNoContentType() throws Exception {
    byte[] header = ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[3],"
        + "\"parameters\":{\"binary_data_size\":12}}],\"outputs\":[{\"name\":\"neg\","
        + "\"parameters\":{\"binary_data\":true}},{\"name\":\"relu\"}]}").getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header).putFloat(-1f).putFloat(0.5f).putFloat(2f);
    HttpResponse<byte[]> response = post("/v2/models/" + HttpTestServer.TWO_OUTPUTS + "/infer", body.array(),
        "inference-header-content-length", Integer.toString(header.length));
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/octet-stream");
    int jsonLength = Integer.parseInt(response.headers().firstValue("inference-header-content-length").orElseThrow());
    JsonNode json = MAPPER.readTree(new String(response.body(), 0, jsonLength, StandardCharsets.UTF_8));
    assertThat(json.path("outputs").path(0).path("parameters").path("binary_data_size").asInt()).isEqualTo(12);
    assertThat(json.path("outputs").path(1).path("data").toString()).isEqualTo("[0.0,0.5,2.0]");
    ByteBuffer neg = ByteBuffer.wrap(response.body(), jsonLength, 12).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new float[] {neg.getFloat(), neg.getFloat(), neg.getFloat()}).containsExactly(1f, -0.5f, -2f);
    assertThat(response.body()).hasSize(jsonLength + 12);
  }

  @Test
  void inferenceErrorsMapToStatuses() throws Exception {
    String path = "/v2/models/" + CLASSIFIER + "/infer";
    String tooShort = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,4],"
        + "\"data\":[1,2,3]}]}";
    assertError(post(path, tooShort.getBytes(StandardCharsets.UTF_8)), 400, "features");
    assertError(post("/v2/models/nope/infer", FEATURES_JSON.getBytes(StandardCharsets.UTF_8)), 404, "nope");
    assertError(post("/v2/models/" + CLASSIFIER + "/versions/9/infer",
        FEATURES_JSON.getBytes(StandardCharsets.UTF_8)), 404, "version 9");
    String classification = "{\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"classification\":1}}]}";
    assertError(post(path, classification.getBytes(StandardCharsets.UTF_8)), 501, "classification");
    assertError(post(path, FEATURES_JSON.getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip"), 415,
        "gzip");
    assertError(post(path, new byte[0]), 400, "empty request body");
    assertError(post(path, FEATURES_JSON.getBytes(StandardCharsets.UTF_8), "Inference-Header-Content-Length",
        "abc"), 400, "Inference-Header-Content-Length");
  }

  @Test
  void deeplyNestedJsonIsRejectedFastAndTheServerStaysUp() throws Exception {
    String deep = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":"
        + "[".repeat(10_000) + "]".repeat(10_000) + "}]}";
    long start = System.nanoTime();
    assertError(post("/v2/models/" + CLASSIFIER + "/infer", deep.getBytes(StandardCharsets.UTF_8)), 400,
        "features");
    String deepObject = "{\"parameters\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001);
    assertError(post("/v2/models/" + CLASSIFIER + "/infer", deepObject.getBytes(StandardCharsets.UTF_8)), 400,
        "nesting");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aRejectedRequestLeavesTheConnectionUsable() throws Exception {
    try (RawConnection connection = new RawConnection(server.port())) {
      String bad = "{\"inputs\":[";
      connection.send("POST /v2/models/" + CLASSIFIER + "/infer HTTP/1.1\r\nHost: t\r\nContent-Length: "
          + bad.length() + "\r\n\r\n" + bad);
      RawConnection.Response rejected = connection.read();
      assertThat(rejected.status()).isEqualTo(400);
      assertThat(rejected.headers().get("connection")).isNotEqualToIgnoringCase("close");
      connection.send("POST /v2/models/" + CLASSIFIER + "/infer HTTP/1.1\r\nHost: t\r\nContent-Length: "
          + FEATURES_JSON.length() + "\r\n\r\n" + FEATURES_JSON);
      RawConnection.Response accepted = connection.read();
      assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
      assertThat(accepted.json().path("id").asText()).isEqualTo("r1");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawConnection connection = new RawConnection(server.port())) {
      String infer = "POST /v2/models/" + CLASSIFIER + "/infer HTTP/1.1\r\nHost: t\r\nContent-Length: "
          + FEATURES_JSON.length() + "\r\n\r\n" + FEATURES_JSON;
      connection.send(infer + "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n" + infer
          + "GET /v2/models/nope HTTP/1.1\r\nHost: t\r\n\r\n");
      RawConnection.Response first = connection.read();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().path("model_name").asText()).isEqualTo(CLASSIFIER);
      assertThat(connection.read().text()).isEqualTo("{\"live\":true}");
      assertThat(connection.read().json().path("id").asText()).isEqualTo("r1");
      assertThat(connection.read().status()).isEqualTo(404);
    }
  }

  @Test
  void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
    try (RawConnection connection = new RawConnection(server.port())) {
      RawConnection.Response response = connection.send("GET /v2/health/live HTTP/1.0\r\n\r\n").read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void concurrentRequestsEachGetTheirOwnAnswer() throws Exception {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      float value = i - 100.5f;
      String body = "{\"id\":\"" + i + "\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],"
          + "\"data\":[" + value + "," + (2 * value) + "]}],\"outputs\":[{\"name\":\"neg\"}]}";
      HttpRequest request = HttpRequest.newBuilder(uri("/v2/models/" + HttpTestServer.TWO_OUTPUTS + "/infer"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      String id = Integer.toString(i);
      checks.add(CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenAccept(response -> {
        try {
          JsonNode json = json(response);
          assertThat(json.path("id").asText()).isEqualTo(id);
          assertThat(json.path("outputs").path(0).path("data").toString())
              .isEqualTo("[" + (-value) + "," + (-2 * value) + "]");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
  }
}
