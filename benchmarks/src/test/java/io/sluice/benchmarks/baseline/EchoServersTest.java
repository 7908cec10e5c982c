package io.sluice.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.sluice.benchmarks.load.SluiceBench;
import io.sluice.benchmarks.load.client.Target;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EchoServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  @Test
  void httpEchoAnswersEveryInferWithTheCannedBodyAndTheModelPathWithMetadata() throws Exception {
    EchoHttpServer.Canned canned = EchoHttpServer.Canned.sample();
    try (EchoHttpServer echo = new EchoHttpServer().start("127.0.0.1", 0, canned)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + echo.port();
      HttpResponse<byte[]> infer = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/any/infer"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(infer.statusCode()).isEqualTo(200);
      assertThat(infer.body()).isEqualTo(canned.response());
      assertThat(infer.headers().firstValue("content-type")).hasValue("application/json");

      HttpResponse<byte[]> metadata = client.send(HttpRequest.newBuilder(URI.create(base
          + "/v2/models/tabular_classifier")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(metadata.body()).path("inputs").get(0).path("name").asText()).isEqualTo("features");

      HttpResponse<byte[]> stats = client.send(HttpRequest.newBuilder(URI.create(base
          + "/v2/models/tabular_classifier/stats")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(stats.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void withHandOffBothEchoesAnswerTheCannedAnswersFromTheirWorkerThreads() throws Exception {
    EchoHttpServer.Canned httpCanned = EchoHttpServer.Canned.sample();
    EchoGrpcServer.Canned grpcCanned = EchoGrpcServer.Canned.sample();
    try (EchoHttpServer http = new EchoHttpServer().start("127.0.0.1", 0, httpCanned, true);
        EchoGrpcServer grpc = new EchoGrpcServer().start("127.0.0.1", 0, grpcCanned, true)) {
      HttpResponse<byte[]> infer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + http.port() + "/v2/models/any/infer"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(infer.statusCode()).isEqualTo(200);
      assertThat(infer.body()).isEqualTo(httpCanned.response());

      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpc.port(),
          InsecureChannelCredentials.create()).build();
      try {
        assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .modelInfer(ModelInferRequest.newBuilder().setModelName("any").build())).isEqualTo(grpcCanned.response());
      } finally {
        channel.shutdownNow();
      }
      assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
          .contains("echo-http-worker", "echo-grpc-worker");
    }
  }

  @Test
  void grpcEchoAnswersEveryInferWithTheCannedMessage() throws Exception {
    EchoGrpcServer.Canned canned = EchoGrpcServer.Canned.sample();
    try (EchoGrpcServer echo = new EchoGrpcServer().start("127.0.0.1", 0, canned)) {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", echo.port(),
          InsecureChannelCredentials.create()).build();
      try {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(stub.modelInfer(ModelInferRequest.newBuilder().setModelName("other").build()))
            .isEqualTo(canned.response());
        assertThat(stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("x").build()))
            .isEqualTo(canned.metadata());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void bothEchoServersCloneSluicesAnswersForTheSampleModel() throws Exception {
    Path repository = temp.resolve("models");
    SampleRepository.write(repository);
    try (SluiceServer sluice = new SluiceServer(ServerConfig.loopback(repository)).start()) {
      EchoHttpServer.Canned http = EchoHttpServer.Canned.cloneFrom(
          Target.parse("http://127.0.0.1:" + sluice.httpPort()), SampleRepository.CLASSIFIER);
      JsonNode response = JSON.readTree(http.response());
      assertThat(response.path("model_name").asText()).isEqualTo(SampleRepository.CLASSIFIER);
      assertThat(response.path("outputs").get(0).path("data")).hasSize(SampleRepository.CLASSIFIER_CLASSES);
      // the built-in fallback stays within a few bytes of the real answer
      assertThat(EchoHttpServer.Canned.sample().response().length).isBetween(http.response().length - 12,
          http.response().length + 12);

      EchoGrpcServer.Canned grpc = EchoGrpcServer.Canned.cloneFrom(
          Target.parse("grpc://127.0.0.1:" + sluice.grpcPort()), SampleRepository.CLASSIFIER);
      ModelInferResponse answer = grpc.response();
      assertThat(answer.getModelName()).isEqualTo(SampleRepository.CLASSIFIER);
      assertThat(grpc.metadata().getInputs(0).getName()).isEqualTo(SampleRepository.CLASSIFIER_INPUT);
      assertThat(EchoGrpcServer.Canned.sample().response().getSerializedSize())
          .isEqualTo(answer.getSerializedSize());
    }
  }

  @Test
  void theLoadGeneratorRunsAgainstBothEchoServers() throws Exception {
    try (EchoHttpServer http = new EchoHttpServer().start("127.0.0.1", 0, EchoHttpServer.Canned.sample());
        EchoGrpcServer grpc = new EchoGrpcServer().start("127.0.0.1", 0, EchoGrpcServer.Canned.sample())) {
      for (String target : new String[] {"http://127.0.0.1:" + http.port(), "grpc://127.0.0.1:" + grpc.port()}) {
        Path output = temp.resolve(target.substring(0, 4));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SluiceBench.execute(new String[] {"--target", target, "--model", "tabular_classifier",
            "--concurrency", "2", "--warmup", "200ms", "--duration", "700ms", "--quiet", "--output", output.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode summary = JSON.readTree(output.resolve("summary.json").toFile());
        assertThat(summary.path("errors").asLong()).isZero();
        assertThat(summary.path("successes").asLong()).isPositive();
        assertThat(summary.path("inputs").get(0).path("shape").toString()).isEqualTo("[1,4]");
      }
    }
  }
}
