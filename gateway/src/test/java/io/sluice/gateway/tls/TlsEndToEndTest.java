package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.gateway.admin.AdminHandler;
import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.admin.AdminResponse;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole server with TLS on every listener (certificates made at test time): HTTPS and gRPC over TLS serve
 * inference, the admin listener requires client certificates signed by the test CA, clients that speak plaintext,
 * or present no or a foreign certificate are closed, and the server keeps serving the others (the handshake timeout
 * is {@link TlsHandshakeTimeoutTest}'s).
 */
class TlsEndToEndTest {
  private static final String INFER_BODY = "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],\"datatype\":\"FP32\","
      + "\"data\":[0.5,-1.25,2.0,0.75]}]}";

  @TempDir static Path dir;
  private static TestPki pki;
  private static SluiceServer server;

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(Files.createDirectory(dir.resolve("pki")));
    Path repository = Files.createDirectory(dir.resolve("models"));
    SampleRepository.write(repository);
    TlsOptions tls = pki.server();
    server = new SluiceServer(ServerConfig.builder(repository)
        .http(HttpOptions.defaults("127.0.0.1", 0).withTls(tls))
        .grpc(GrpcOptions.defaults("127.0.0.1", 0).withTls(tls))
        .admin(AdminOptions.loopback().withTls(pki.mutual()))
        .build());
    server.adminRoutes().add(HttpMethod.GET, "/whoami",
        AdminHandler.of(request -> AdminResponse.text(200, request.actor())));
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void httpsServesInference() throws Exception {
    assertHttpsInferenceWorks();
  }

  @Test
  void plaintextHttpToTheHttpsPortIsClosedWithoutAnAnswer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
      socket.getOutputStream().write("GET /v2/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      String answer = new String(TlsSockets.readUntilClosed(socket), StandardCharsets.ISO_8859_1);

      assertThat(answer).doesNotContain("HTTP/1.1");
    }
    assertHttpsInferenceWorks();
  }

  @Test
  void grpcOverTlsServesModelInfer() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort(),
        TlsChannelCredentials.newBuilder().trustManager(pki.caCertificate.toFile()).build()).build();
    try {
      ModelInferResponse response = GRPCInferenceServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .modelInfer(inferRequest());

      assertThat(response.getModelName()).isEqualTo(SampleRepository.CLASSIFIER);
      assertThat(response.getOutputs(0).getShapeList()).containsExactly(1L, 3L);
      assertThat(response.getRawOutputContents(0).size()).isEqualTo(3 * Float.BYTES);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void plaintextGrpcToTheTlsPortIsUnavailable() throws Exception {
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    try {
      assertThatThrownBy(() -> GRPCInferenceServiceGrpc.newBlockingStub(plaintext)
          .withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(inferRequest()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void adminAnswersAClientWithACertificateFromTheConfiguredCa() throws Exception {
    HttpResponse<String> metrics = adminGet(pki.trustedClient());

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE");
  }

  @Test
  void theAdminActorIsTheClientCertificatesCommonName() throws Exception {
    HttpResponse<String> whoami = adminGet(pki.trustedClient(), "/whoami");

    assertThat(whoami.statusCode()).isEqualTo(200);
    assertThat(whoami.body()).isEqualTo("operator");
  }

  @Test
  void adminRefusesClientsWithoutACertificateOrWithOneFromAnotherCa() throws Exception {
    for (SSLContext client : new SSLContext[] {pki.anonymousClient(), pki.foreignClient()}) {
      assertThatThrownBy(() -> adminGet(client))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(HttpTimeoutException.class);
    }
    assertThat(adminGet(pki.trustedClient()).statusCode()).isEqualTo(200);
  }

  @Test
  void plaintextHttpToTheAdminPortIsClosedWithoutAnAnswer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.adminPort())) {
      socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      String answer = new String(TlsSockets.readUntilClosed(socket), StandardCharsets.ISO_8859_1);

      assertThat(answer).doesNotContain("HTTP/1.1");
    }
  }

  @Test
  void connectionsThatHaveNotHandshakenYetHoldNothingUp() throws Exception {
    int[] ports = {server.httpPort(), server.grpcPort(), server.adminPort()};
    Socket[] silent = new Socket[ports.length];
    try {
      for (int i = 0; i < ports.length; i++) {
        silent[i] = new Socket("127.0.0.1", ports[i]);
      }

      assertHttpsInferenceWorks();
      assertThat(adminGet(pki.trustedClient()).statusCode()).isEqualTo(200);
      for (Socket socket : silent) {
        socket.setSoTimeout(50);
        assertThat(TlsSockets.closedByServer(socket)).as("closed within the 10 s handshake timeout").isFalse();
      }
    } finally {
      for (Socket socket : silent) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  private static void assertHttpsInferenceWorks() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(pki.anonymousClient())
        .version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + server.httpPort() + "/v2/models/tabular_classifier/infer"))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(INFER_BODY)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"model_name\":\"tabular_classifier\"", "\"shape\":[1,3]");
  }

  private static HttpResponse<String> adminGet(SSLContext client) throws IOException, InterruptedException {
    return adminGet(client, "/metrics");
  }

  private static HttpResponse<String> adminGet(SSLContext client, String path)
      throws IOException, InterruptedException {
    return HttpClient.newBuilder().sslContext(client).version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.adminPort() + path))
            .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ModelInferRequest inferRequest() {
    ByteBuffer features = ByteBuffer.allocate(4 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    features.putFloat(0.5f).putFloat(-1.25f).putFloat(2.0f).putFloat(0.75f).flip();
    return ModelInferRequest.newBuilder()
        .setModelName(SampleRepository.CLASSIFIER)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
            .setName("features").setDatatype("FP32").addShape(1).addShape(4))
        .addRawInputContents(ByteString.copyFrom(features))
        .build();
  }
}
