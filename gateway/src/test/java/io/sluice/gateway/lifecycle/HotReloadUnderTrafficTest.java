package io.sluice.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelVersionPolicy;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.runtime.lifecycle.ControlMode;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous HTTP and gRPC traffic while versions are added, replaced and removed 24 times: no request may
 * fail, and every answer must come from a version (and file generation) that was serving while the request
 * was in flight. Each generation adds a distinct tag to the input, so an answer names its generation.
 */
class HotReloadUnderTrafficTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHANGES = 24;

  @TempDir
  Path repository;

  /** When a generation became routable at the earliest and stopped being routable at the latest. */
  private record Window(long routableFrom, long routableUntil) {}

  private record Answer(long sentNanos, long receivedNanos, String version, float tag) {}

  private final Map<Float, Window> windows = new ConcurrentHashMap<>();

  @Test
  void noRequestFailsAndEveryAnswerComesFromAServingVersion() throws Exception {
    TestModels.writeConfig(repository, "m", ModelConfig.newBuilder().setVersionPolicy(ModelVersionPolicy.newBuilder()
        .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(2))).build());
    TestModels.writeModel(repository, "m", 1, TestModels.tagged(tag(1, 0)));
    windows.put(tag(1, 0), new Window(0, Long.MAX_VALUE));
    LifecycleOptions explicit = new LifecycleOptions(ControlMode.EXPLICIT, Set.of("m"), 60_000, true, 10_000);
    try (SluiceServer server = new SluiceServer(ServerConfig.loopback(repository).withLifecycle(explicit)).start()) {
      AtomicBoolean running = new AtomicBoolean(true);
      List<Answer> answers = new CopyOnWriteArrayList<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        loops.add(clients.submit(() -> httpLoop(server.httpPort(), running, answers, failures)));
        loops.add(clients.submit(() -> grpcLoop(server.grpcPort(), running, answers, failures)));
      }

      int latest = 1;
      Map<Integer, Integer> generations = new ConcurrentHashMap<>(Map.of(1, 0));
      for (int change = 0; change < CHANGES; change++) {
        float retiredTag = Float.NaN;
        float newTag;
        long before = System.nanoTime();
        if (change % 3 == 2) {
          // replace the latest version's file in place
          int generation = generations.get(latest);
          retiredTag = tag(latest, generation);
          generations.put(latest, generation + 1);
          newTag = tag(latest, generation + 1);
          TestModels.writeModel(repository, "m", latest, TestModels.tagged(newTag));
          Files.setLastModifiedTime(repository.resolve("m/" + latest + "/model.onnx"),
              java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + change * 1000L + 1000));
        } else {
          // add a version; the policy (latest 2) removes the oldest serving one
          if (latest >= 2) {
            retiredTag = tag(latest - 1, generations.get(latest - 1));
          }
          latest++;
          generations.put(latest, 0);
          newTag = tag(latest, 0);
          TestModels.writeModel(repository, "m", latest, TestModels.tagged(newTag));
        }
        windows.put(newTag, new Window(before, Long.MAX_VALUE));
        server.models().load("m").get(30, TimeUnit.SECONDS);
        long after = System.nanoTime();
        if (!Float.isNaN(retiredTag) && windows.containsKey(retiredTag)) {
          windows.put(retiredTag, new Window(windows.get(retiredTag).routableFrom(), after));
        }
        awaitSomeAnswers(answers);
      }
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      clients.shutdown();

      assertThat(failures).isEmpty();
      assertThat(answers.size()).isGreaterThan(CHANGES * 4);
      for (Answer answer : answers) {
        Window window = windows.get(answer.tag());
        assertThat(window).as("answer tag %s is a generation that was loaded", answer.tag()).isNotNull();
        assertThat(answer.version()).isEqualTo(Integer.toString((int) (answer.tag() / 100)));
        assertThat(answer.receivedNanos()).as("answered after its version became routable")
            .isGreaterThanOrEqualTo(window.routableFrom());
        assertThat(answer.sentNanos()).as("sent before its version stopped being routable")
            .isLessThanOrEqualTo(window.routableUntil());
      }
    }
  }

  /** Tag of version {@code version}, file generation {@code generation}: version * 100 + generation. */
  private static float tag(int version, int generation) {
    return version * 100f + generation;
  }

  private static void awaitSomeAnswers(List<Answer> answers) {
    int target = answers.size() + 4;
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> answers.size() >= target);
  }

  private static void httpLoop(int port, AtomicBoolean running, List<Answer> answers, List<String> failures) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/m/infer"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[0]}]}"))
        .build();
    while (running.get()) {
      long sent = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long received = System.nanoTime();
        if (response.statusCode() != 200) {
          failures.add("HTTP " + response.statusCode() + ": " + response.body());
          continue;
        }
        JsonNode body = JSON.readTree(response.body());
        answers.add(new Answer(sent, received, body.path("model_version").asText(),
            (float) body.path("outputs").path(0).path("data").path(0).asDouble()));
      } catch (Exception e) {
        failures.add("HTTP exception: " + e);
      }
    }
  }

  private static void grpcLoop(int port, AtomicBoolean running, List<Answer> answers, List<String> failures) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("m")
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(1))
        .addRawInputContents(ByteString.copyFrom(new byte[4]))
        .build();
    try {
      while (running.get()) {
        long sent = System.nanoTime();
        try {
          ModelInferResponse response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request);
          long received = System.nanoTime();
          float y = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
          answers.add(new Answer(sent, received, response.getModelVersion(), y));
        } catch (Exception e) {
          failures.add("gRPC exception: " + e);
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

}
