package io.sluice.gateway.grpc;

import static io.sluice.gateway.grpc.InferenceGrpcServiceTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Netty listener on a loopback ephemeral port: health, reflection and the inbound message limit. */
class GrpcFrontEndTest {
  private static final int MAX_MESSAGE = 4096;

  @TempDir Path repo;
  private ModelManager models;
  private GrpcFrontEnd frontEnd;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    models = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()));
    models.loadAll();
    frontEnd = new GrpcFrontEnd(new GrpcOptions("127.0.0.1", 0, MAX_MESSAGE), new InferenceDispatcher(models),
        new ServerQueries(models, "test", () -> true));
    frontEnd.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", frontEnd.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    frontEnd.close();
    models.close(1_000);
  }

  @Test
  void bindsAnEphemeralPortAndServesTheInferenceService() {
    assertThat(frontEnd.port()).isBetween(1, 65535);
    assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
  }

  @Test
  void healthFollowsSetServing() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    for (String service : List.of("", "inference.GRPCInferenceService")) {
      assertThat(check(health, service)).as(service).isEqualTo(ServingStatus.NOT_SERVING);
    }

    frontEnd.setServing(true);
    for (String service : List.of("", "inference.GRPCInferenceService")) {
      assertThat(check(health, service)).as(service).isEqualTo(ServingStatus.SERVING);
    }

    frontEnd.setServing(false);
    assertThat(check(health, "inference.GRPCInferenceService")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(failure(() -> check(health, "no.such.Service")).getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void serverReflectionListsAndDescribesTheServices() throws Exception {
    List<ServerReflectionResponse> answers = reflect(
        ServerReflectionRequest.newBuilder().setListServices("*").build(),
        ServerReflectionRequest.newBuilder().setFileContainingSymbol("inference.GRPCInferenceService").build());

    List<String> services = new ArrayList<>();
    for (ServiceResponse service : answers.get(0).getListServicesResponse().getServiceList()) {
      services.add(service.getName());
    }
    assertThat(services).contains("inference.GRPCInferenceService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection");

    List<ByteString> files = answers.get(1).getFileDescriptorResponse().getFileDescriptorProtoList();
    assertThat(files).isNotEmpty();
    FileDescriptorProto first = FileDescriptorProto.parseFrom(files.get(0));
    assertThat(first.getPackage()).isEqualTo("inference");
    assertThat(first.getServiceList()).extracting(service -> service.getName())
        .contains("GRPCInferenceService");
  }

  @Test
  void messagesOverTheLimitAreResourceExhaustedAndTheServerGoesOn() {
    ModelInferRequest tooLarge = ModelInferRequest.newBuilder().setModelName("m")
        .addRawInputContents(ByteString.copyFrom(new byte[MAX_MESSAGE + 1]))
        .build();
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);

    Status status = failure(() -> stub.modelInfer(tooLarge));

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
  }

  @Test
  void portBeforeStartAndCloseWithoutStartAreSafe() {
    GrpcFrontEnd unstarted = new GrpcFrontEnd(GrpcOptions.defaults("127.0.0.1", 0),
        new InferenceDispatcher(models), new ServerQueries(models, "test", () -> true));
    assertThatThrownBy(unstarted::port).isInstanceOf(IllegalStateException.class);
    unstarted.close();
    unstarted.close();
  }

  @Test
  void closeStopsTheListener() {
    frontEnd.close();

    Status status = failure(() -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).serverLive(ServerLiveRequest.getDefaultInstance()));
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
    return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private List<ServerReflectionResponse> reflect(ServerReflectionRequest... requests) throws Exception {
    List<ServerReflectionResponse> answers = new ArrayList<>();
    CompletableFuture<List<ServerReflectionResponse>> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> stream = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answers.add(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(answers);
          }
        });
    for (ServerReflectionRequest request : requests) {
      stream.onNext(request);
    }
    stream.onCompleted();
    return done.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionGetsNoMoreConcurrentStreamsThanTheLimit() throws Exception {
    GrpcFrontEnd limited = new GrpcFrontEnd(new GrpcOptions("127.0.0.1", 0, MAX_MESSAGE)
        .withMaxConcurrentCallsPerConnection(1), new InferenceDispatcher(models),
        new ServerQueries(models, "test", () -> true));
    limited.start();
    ManagedChannel one = NettyChannelBuilder.forAddress("127.0.0.1", limited.port()).usePlaintext().build();
    try {
      // One call first: the limit is in force once the client has acknowledged the server's settings, which
      // a completed call guarantees (before that, two streams opened at once may both be taken).
      assertThat(GRPCInferenceServiceGrpc.newBlockingStub(one).serverLive(ServerLiveRequest.getDefaultInstance())
          .getLive()).isTrue();
      GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async = GRPCInferenceServiceGrpc.newStub(one);
      CompletableFuture<Void> streamDone = new CompletableFuture<>();
      StreamObserver<ModelInferRequest> open = async.modelStreamInfer(new StreamObserver<>() {
        @Override
        public void onNext(io.sluice.proto.inference.ModelStreamInferResponse value) {}

        @Override
        public void onError(Throwable t) {
          streamDone.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          streamDone.complete(null);
        }
      });
      // The open stream holds the connection's only stream; a second call waits in the client.
      CompletableFuture<Boolean> live = new CompletableFuture<>();
      async.serverLive(ServerLiveRequest.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(io.sluice.proto.inference.ServerLiveResponse value) {
          live.complete(value.getLive());
        }

        @Override
        public void onError(Throwable t) {
          live.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {}
      });
      assertThatThrownBy(() -> live.get(500, TimeUnit.MILLISECONDS))
          .isInstanceOf(java.util.concurrent.TimeoutException.class);

      open.onCompleted();
      streamDone.get(10, TimeUnit.SECONDS);
      assertThat(live.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      one.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      limited.close();
    }
  }
}
