package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.config.ModelParameter;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.testing.LogRecords;
import io.sluice.runtime.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real traffic over HTTP: a baseline captured from the first requests, a window from the same distribution
 * (no drift), then a window in which features 1 and 3 are shifted: exactly those two are flagged, and the
 * report is served by the admin API. And a captured baseline kept in the state directory across a restart.
 */
class DriftEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WINDOW = 300;

  @TempDir
  Path repository;

  /** Model {@code m}: the sample classifier (four FP32 features), every request sampled, a captured baseline. */
  private void writeModel(int baselineSamples) throws Exception {
    TestModels.writeModel(repository, "m", 1, SampleRepository.classifierModel(1));
    TestModels.writeConfig(repository, "m", SampleRepository.classifierConfig().toBuilder().setName("m")
        .clearVersionPolicy()
        .putParameters("sluice.sample_rate", ModelParameter.newBuilder().setStringValue("1").build())
        .putParameters("sluice.drift.baseline_samples",
            ModelParameter.newBuilder().setStringValue(Integer.toString(baselineSamples)).build())
        .putParameters("sluice.drift.window", ModelParameter.newBuilder().setStringValue(Integer.toString(WINDOW)).build())
        .build());
  }

  @Test
  void exactlyTheShiftedFeaturesAreFlagged() throws Exception {
    writeModel(600);
    try (SluiceServer server = new SluiceServer(ServerConfig.loopback(repository)).start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String infer = "http://127.0.0.1:" + server.httpPort() + "/v2/models/m/infer";
      String drift = "http://127.0.0.1:" + server.adminPort() + "/admin/v1/models/m/drift";
      Random random = new Random(42);

      send(client, infer, random, 600, 0);
      send(client, infer, random, WINDOW, 0);
      JsonNode steady = await().atMost(Duration.ofSeconds(30))
          .until(() -> report(client, drift), r -> r != null && r.path("windowsTested").asLong() >= 1);
      assertThat(steady.path("drifting").asBoolean()).isFalse();
      assertThat(flagged(steady)).isEmpty();

      send(client, infer, random, WINDOW, 2.0);
      JsonNode shifted = await().atMost(Duration.ofSeconds(30))
          .until(() -> report(client, drift), r -> r != null && r.path("windowsTested").asLong() >= 2);
      assertThat(flagged(shifted)).containsExactly(1, 3);
      assertThat(shifted.path("drifting").asBoolean()).isTrue();
      assertThat(shifted.path("model").asText()).isEqualTo("m");
      assertThat(shifted.path("version").asText()).isEqualTo("1");
      JsonNode first = shifted.path("features").path(1);
      assertThat(first.path("test").asText()).isEqualTo("ks");
      assertThat(first.path("pValue").asDouble()).isLessThan(1e-6);
      assertThat(first.path("drifted").asBoolean()).isTrue();
    }
  }

  @Test
  void aCapturedBaselineSurvivesARestart(@TempDir Path state) throws Exception {
    writeModel(100);
    ServerConfig config = ServerConfig.loopback(repository)
        .withDrift(DriftServiceOptions.builder().stateDirectory(state).build());
    Path saved = state.resolve("drift").resolve("m.json");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Random random = new Random(42);
    try (SluiceServer server = new SluiceServer(config).start()) {
      send(client, "http://127.0.0.1:" + server.httpPort() + "/v2/models/m/infer", random, 100, 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(saved));
    }
    JsonNode file = JSON.readTree(saved.toFile());
    assertThat(file.path("samples").asLong()).isEqualTo(100);
    assertThat(file.path("capture").path("version").asText()).isEqualTo("1");

    try (SluiceServer server = new SluiceServer(config).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.drift().baseline("m").isPresent());
      send(client, "http://127.0.0.1:" + server.httpPort() + "/v2/models/m/infer", random, 1, 0);
      String drift = "http://127.0.0.1:" + server.adminPort() + "/admin/v1/models/m/drift";
      JsonNode report = await().atMost(Duration.ofSeconds(30)).until(() -> report(client, drift), r -> r != null);
      assertThat(report.path("state").asText()).isEqualTo(DriftReport.COLLECTING); // not capturing_baseline
      assertThat(report.path("baselineSamples").asLong()).isEqualTo(100);
      assertThat(report.path("windowSamples").asLong()).isEqualTo(1);
    }
  }

  @Test
  void anOperatorDiscardsACapturedBaselineOverTheAdminApiAndTheActionIsAudited(@TempDir Path state)
      throws Exception {
    writeModel(100);
    ServerConfig config = ServerConfig.loopback(repository)
        .withDrift(DriftServiceOptions.builder().stateDirectory(state).build());
    Path saved = state.resolve("drift").resolve("m.json");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (SluiceServer server = new SluiceServer(config).start()) {
      send(client, "http://127.0.0.1:" + server.httpPort() + "/v2/models/m/infer", new Random(42), 100, 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(saved));
      String admin = "http://127.0.0.1:" + server.adminPort() + "/admin/v1";

      HttpResponse<String> discarded = client.send(HttpRequest.newBuilder(
          URI.create(admin + "/models/m/drift/baseline")).DELETE().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
      assertThat(JSON.readTree(discarded.body()).path("state").asText()).isEqualTo(DriftReport.CAPTURING_BASELINE);
      assertThat(saved).doesNotExist();
      assertThat(server.drift().baseline("m")).isEmpty();
      JsonNode audit = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(admin + "/audit?model=m")).GET()
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(audit.path("entries").get(0).path("action").asText()).isEqualTo(DriftWiring.RECAPTURE_ACTION);
      assertThat(audit.path("entries").get(0).path("model").asText()).isEqualTo("m");

      HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(
          URI.create(admin + "/models/nope/drift/baseline")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aBaselineFileOfAnotherWidthIsRefusedAtLoadAndTheModelServesWithoutDrift() throws Exception {
    TestModels.writeModel(repository, "m", 1, SampleRepository.classifierModel(1));
    TestModels.writeConfig(repository, "m", SampleRepository.classifierConfig().toBuilder().setName("m")
        .clearVersionPolicy()
        .putParameters("sluice.sample_rate", ModelParameter.newBuilder().setStringValue("1").build())
        .putParameters("sluice.drift.baseline", ModelParameter.newBuilder().setStringValue("baseline.json").build())
        .build());
    // built for three features where the model has four
    ModelSignature narrower = new ModelSignature(List.of(new TensorSpec(SampleRepository.CLASSIFIER_INPUT,
        DataType.FP32, new long[] {-1, 3})), List.of(), SampleRepository.CLASSIFIER_MAX_BATCH_SIZE);
    new BaselineBuilder(FeatureLayout.of(narrower), narrower.inputs()).build()
        .write(repository.resolve("m").resolve("baseline.json"));

    try (LogRecords log = LogRecords.of(DriftWiring.class);
        SluiceServer server = new SluiceServer(ServerConfig.loopback(repository)).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !log.messages(Level.WARNING).isEmpty());
      assertThat(log.messages(Level.WARNING)).containsExactly("model m: drift detection disabled: baseline "
          + "'baseline.json': input 'features' has shape [-1,3] and 3 features (expected: shape [-1,4] and 4 "
          + "features, the model's)");

      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      send(client, "http://127.0.0.1:" + server.httpPort() + "/v2/models/m/infer", new Random(42), 20, 0);
      assertThat(server.drift().baseline("m")).isEmpty();
      assertThat(server.drift().report("m")).isEmpty();
      assertThat(server.drift().counters().sampled()).isZero();
    }
  }

  /** Sends {@code count} single-row requests, N(0,1) features with {@code shift} added to features 1 and 3. */
  private static void send(HttpClient client, String url, Random random, int count, double shift) throws Exception {
    for (int i = 0; i < count; i++) {
      double[] x = new double[4];
      for (int f = 0; f < 4; f++) {
        x[f] = random.nextGaussian() + (f % 2 == 1 ? shift : 0);
      }
      String body = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":["
          + x[0] + "," + x[1] + "," + x[2] + "," + x[3] + "]}]}";
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
  }

  private static JsonNode report(HttpClient client, String url) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private static List<Integer> flagged(JsonNode report) {
    List<Integer> indexes = new ArrayList<>();
    for (JsonNode feature : report.path("features")) {
      if (feature.path("drifted").asBoolean()) {
        indexes.add(feature.path("index").asInt());
      }
    }
    return indexes;
  }
}
