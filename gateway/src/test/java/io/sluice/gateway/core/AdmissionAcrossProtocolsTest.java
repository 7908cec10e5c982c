package io.sluice.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One admission for both protocols: while an HTTP request holds the only slot (its body still arriving), a gRPC
 * inference is refused UNAVAILABLE with a retry pushback, gRPC health still answers, and once the HTTP request is
 * answered gRPC is admitted again; the admission meters show it.
 */
class AdmissionAcrossProtocolsTest {
  private static final Metadata.Key<String> PUSHBACK =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path repository;

  @Test
  void anHttpRequestInFlightMakesGrpcWaitItsTurn() throws Exception {
    SampleRepository.write(repository);
    ServerConfig config = ServerConfig.builder(repository).admission(new AdmissionOptions(1, 1 << 20, 2)).build();
    try (SluiceServer server = new SluiceServer(config).start();
        Socket http = new Socket("127.0.0.1", server.httpPort())) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
          .build();
      try {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc =
            GRPCInferenceServiceGrpc.newBlockingStub(channel);
        String body = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,4],"
            + "\"data\":[0.5,-1.25,2,0.75]}]}";
        OutputStream out = http.getOutputStream();
        out.write(("POST /v2/models/" + SampleRepository.CLASSIFIER + "/infer HTTP/1.1\r\nHost: t\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 5))
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.metrics().registry()
            .get("sluice.admission.requests.in.flight").gauge().value() == 1);

        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
            () -> grpc.modelInfer(request()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getStatus().getDescription()).contains("overloaded");
        assertThat(refused.getTrailers().get(PUSHBACK)).isEqualTo("2000");
        assertThat(grpc.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();

        out.write(body.substring(5).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = http.getInputStream();
        assertThat(new String(in.readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(grpc.modelInfer(request()).getOutputsCount()).isEqualTo(1));
        assertThat(server.metrics().registry().get("sluice.admission.refused").tag("cap", "requests").functionCounter()
            .count()).isEqualTo(1);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ModelInferRequest request() {
    return ModelInferRequest.newBuilder()
        .setModelName(SampleRepository.CLASSIFIER)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("features").setDatatype("FP32")
            .addShape(1).addShape(4)
            .setContents(InferTensorContents.newBuilder().addFp32Contents(0.5f).addFp32Contents(-1.25f)
                .addFp32Contents(2f).addFp32Contents(0.75f)))
        .build();
  }
}
