package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.transport.ServerTransport;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.proto.config.ModelInstanceGroup;
import io.sluice.proto.config.ModelParameter;
import io.sluice.proto.config.ModelQueuePolicy;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferParameter;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.testing.TestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queue timeouts, deadlines and cancellation through the real listeners. {@code slow} (dynamic batching, its
 * queue policy allowing timeout overrides) and {@code slow_direct} (no batching) chain 2000 MatMuls of a
 * 256 x 256 identity on one instance: a 256-row request holds the instance for seconds, a 1-row one takes
 * milliseconds. A test that blocks the instance ends by cancelling the blocker; every run the model
 * completed shows in {@code execution_count}, so a count of 0 after a cancellation means the run was stopped
 * (or dropped before it started), never that it finished.
 */
class QueuePolicyEndToEndTest {
  private static final int WIDTH = 256;

  @TempDir
  static Path repository;

  private static SluiceServer server;
  private static ManagedChannel channel;
  private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc;

  private Context.CancellableContext blocker;

  @BeforeAll
  static void start() throws Exception {
    ModelConfig.Builder base = ModelConfig.newBuilder().setMaxBatchSize(WIDTH)
        .addInstanceGroup(ModelInstanceGroup.newBuilder().setKind(ModelInstanceGroup.Kind.KIND_CPU).setCount(1))
        .putParameters("intra_op_thread_count", ModelParameter.newBuilder().setStringValue("1").build());
    TestModels.writeModel(repository, "slow", 1, TestModels.slowMatMul(WIDTH, 2000));
    TestModels.writeConfig(repository, "slow", base.clone().setName("slow")
        .setDynamicBatching(ModelDynamicBatching.newBuilder().setDefaultQueuePolicy(
            ModelQueuePolicy.newBuilder().setAllowTimeoutOverride(true)))
        .build());
    TestModels.writeModel(repository, "slow_direct", 1, TestModels.slowMatMul(WIDTH, 2000));
    TestModels.writeConfig(repository, "slow_direct", base.clone().setName("slow_direct").build());
    server = new SluiceServer(ServerConfig.loopback(repository)).start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @AfterEach
  void releaseTheInstance() {
    if (blocker != null) {
      blocker.cancel(null);
      for (String model : new String[] {"slow", "slow_direct"}) {
        await().atMost(Duration.ofSeconds(60)).until(() -> version(model).queued() == 0);
      }
    }
  }

  private static ModelVersion version(String model) {
    return server.models().resolve(model, "");
  }

  private static VersionStatistics.Snapshot statistics(String model) {
    return version(model).statistics().snapshot();
  }

  private static ModelInferRequest request(String model, int rows) {
    ByteBuffer raw = ByteBuffer.allocate(rows * WIDTH * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    while (raw.hasRemaining()) {
      raw.putFloat(0.5f);
    }
    raw.flip();
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
    request.addInputsBuilder().setName("x").setDatatype("FP32").addShape(rows).addShape(WIDTH);
    return request.addRawInputContents(ByteString.copyFrom(raw)).build();
  }

  private static String jsonBody(int rows, String parameters) {
    StringBuilder data = new StringBuilder(rows * WIDTH * 4);
    for (int i = 0; i < rows * WIDTH; i++) {
      data.append(i == 0 ? "" : ",").append("0.5");
    }
    return "{" + parameters + "\"inputs\":[{\"name\":\"x\",\"shape\":[" + rows + "," + WIDTH
        + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
  }

  private static String post(String model, String body) {
    return "POST /v2/models/" + model + "/infer HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  /** Starts a 256-row request on {@code model} over gRPC and waits until it holds the model's instance. */
  private void block(String model) {
    blocker = Context.current().withCancellation();
    blocker.run(() -> GRPCInferenceServiceGrpc.newStub(channel).modelInfer(request(model, WIDTH), IGNORE));
    awaitRunning(model);
  }

  /** Waits until a request of {@code model} is admitted and a thread runs it in ONNX Runtime. */
  private static void awaitRunning(String model) {
    await().atMost(Duration.ofSeconds(30)).until(() -> version(model).queued() == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !threadsInsideOnnxRuntime().isEmpty());
  }

  /** The names of the threads running a model in ONNX Runtime now. */
  private static List<String> threadsInsideOnnxRuntime() {
    List<String> names = new ArrayList<>();
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      if (insideOnnxRuntime(thread.getValue())) {
        names.add(thread.getKey().getName());
      }
    }
    return names;
  }

  private static boolean insideOnnxRuntime(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals("ai.onnxruntime.OrtSession") && frame.getMethodName().equals("run")) {
        return true;
      }
    }
    return false;
  }

  private static final StreamObserver<ModelInferResponse> IGNORE = new StreamObserver<>() {
    @Override
    public void onNext(ModelInferResponse value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }
  };

  @Test
  void aGrpcCallRunsItsModelOnTheVersionsWorkerWhileTheListenerKeepsAnswering() {
    // gRPC calls are handled on the event loops: the model must run elsewhere, even on an idle version
    block("slow_direct");
    assertThat(threadsInsideOnnxRuntime()).singleElement().asString().startsWith("sluice-infer-slow_direct-");
    assertThat(grpc.withDeadlineAfter(10, TimeUnit.SECONDS).serverLive(ServerLiveRequest.getDefaultInstance())
        .getLive()).as("another call on the same connection, meanwhile").isTrue();
  }

  @Test
  void aRequestWaitingLongerThanItsTimeoutIsAnswered503OverHttpAndUnavailableOverGrpcUnrun() throws Exception {
    long runsBefore = statistics("slow").executionCount();
    block("slow");
    try (RawConnection http = new RawConnection(server.httpPort())) {
      RawConnection.Response response = http.send(post("slow", jsonBody(1, "\"parameters\":{\"timeout\":1000},")))
          .read();
      assertThat(response.status()).as(response.text()).isEqualTo(503);
      assertThat(response.json().get("error").asText())
          .isEqualTo("model 'slow' version 1: the request waited longer than the queue timeout");
    }
    ModelInferRequest impatient = request("slow", 1).toBuilder()
        .putParameters("timeout", InferParameter.newBuilder().setInt64Param(1000).build()).build();
    assertThatThrownBy(() -> grpc.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(impatient))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("queue timeout");
        });
    assertThat(version("slow").queued()).as("only the blocker is left").isEqualTo(1);
    assertThat(statistics("slow").executionCount()).isEqualTo(runsBefore);
  }

  @Test
  void aGrpcDeadlineStillAnswersDeadlineExceededAndLeavesNothingQueued() {
    VersionStatistics.Snapshot before = statistics("slow");
    block("slow");
    ModelInferRequest patientTimeout = request("slow", 1).toBuilder()
        .putParameters("timeout", InferParameter.newBuilder().setInt64Param(3_600_000_000L).build()).build();
    assertThatThrownBy(() -> grpc.withDeadlineAfter(300, TimeUnit.MILLISECONDS).modelInfer(patientTimeout))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    // Whether the blocker is still running or already done, the expired request leaves the queue unrun.
    await().atMost(Duration.ofSeconds(60)).until(() -> version("slow").queued() <= 1);
    blocker.cancel(null);
    await().atMost(Duration.ofSeconds(60)).until(() -> version("slow").queued() == 0);
    VersionStatistics.Snapshot after = statistics("slow");
    // the blocker has 256 rows, the expired request 1: samples run are 0 or 256, never 1 or 257
    assertThat(after.inferenceCount() - before.inferenceCount()).as("samples run").isIn(0L, (long) WIDTH);
  }

  @Test
  void anInvalidTimeoutIsABadRequest() throws Exception {
    try (RawConnection http = new RawConnection(server.httpPort())) {
      RawConnection.Response response = http.send(post("slow", jsonBody(1, "\"parameters\":{\"timeout\":-1},")))
          .read();
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().get("error").asText())
          .isEqualTo("parameter 'timeout': -1 (expected: microseconds >= 0)");
    }
    ModelInferRequest wrongType = request("slow", 1).toBuilder()
        .putParameters("timeout", InferParameter.newBuilder().setStringParam("soon").build()).build();
    assertThatThrownBy(() -> grpc.modelInfer(wrongType)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void cancellingGrpcCallsStopsTheirRunsAndTheInstanceServesTheNextRequest() {
    for (String model : new String[] {"slow", "slow_direct"}) {
      VersionStatistics.Snapshot before = statistics(model);
      block(model);
      blocker.cancel(null);
      await().atMost(Duration.ofSeconds(30)).until(() -> version(model).queued() == 0);
      VersionStatistics.Snapshot after = statistics(model);
      assertThat(after.executionCount()).as(model + ": no run completed").isEqualTo(before.executionCount());
      assertThat(after.fail().count()).as(model).isEqualTo(before.fail().count() + 1);

      ModelInferResponse next = grpc.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request(model, 1));
      assertThat(next.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0))
          .isEqualTo(0.5f);
      assertThat(statistics(model).executionCount()).isEqualTo(before.executionCount() + 1);
    }
  }

  @Test
  void cancellingAStreamStopsTheRunsOfItsRequests() {
    VersionStatistics.Snapshot before = statistics("slow_direct");
    Context.CancellableContext stream = Context.current().withCancellation();
    stream.run(() -> GRPCInferenceServiceGrpc.newStub(channel)
        .modelStreamInfer(new StreamObserver<io.sluice.proto.inference.ModelStreamInferResponse>() {
          @Override
          public void onNext(io.sluice.proto.inference.ModelStreamInferResponse value) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        }).onNext(request("slow_direct", WIDTH)));
    awaitRunning("slow_direct");
    stream.cancel(null);

    await().atMost(Duration.ofSeconds(30)).until(() -> version("slow_direct").queued() == 0);
    VersionStatistics.Snapshot after = statistics("slow_direct");
    assertThat(after.executionCount()).as("no run completed").isEqualTo(before.executionCount());
    assertThat(after.fail().count()).isEqualTo(before.fail().count() + 1);
    assertThat(grpc.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(request("slow_direct", 1))
        .getRawOutputContentsCount()).isEqualTo(1);
  }

  @Test
  void closingTheHttpConnectionStopsItsRunWithEpoll() throws Exception {
    assumeThat(ServerTransport.best()).as("only epoll notices a peer's close while not reading")
        .isEqualTo(ServerTransport.EPOLL);
    VersionStatistics.Snapshot before = statistics("slow_direct");
    try (RawConnection http = new RawConnection(server.httpPort())) {
      http.send(post("slow_direct", jsonBody(WIDTH, "")));
      awaitRunning("slow_direct");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> version("slow_direct").queued() == 0);
    VersionStatistics.Snapshot after = statistics("slow_direct");
    assertThat(after.executionCount()).isEqualTo(before.executionCount());
    assertThat(after.fail().count()).isEqualTo(before.fail().count() + 1);
    try (RawConnection http = new RawConnection(server.httpPort())) {
      assertThat(http.send(post("slow_direct", jsonBody(1, ""))).read().status()).isEqualTo(200);
    }
  }
}
