package io.sluice.benchmarks.load;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferStatistics;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.proto.inference.ModelMetadataResponse;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsRequest;
import io.sluice.proto.inference.ModelStatisticsResponse;
import io.sluice.proto.inference.StatisticDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A tiny v2 gRPC server on loopback port 0 serving one model, {@code stub}, as {@link StubBehavior} says. */
final class GrpcStubServer implements StubServer {

  private final Server server;
  private final ExecutorService executor;
  private final StubBehavior behavior;
  volatile ModelInferRequest lastRequest;

  GrpcStubServer(StubBehavior behavior) {
    this.behavior = behavior;
    this.executor = behavior.serial ? Executors.newSingleThreadExecutor() : Executors.newCachedThreadPool();
    try {
      this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(new Service())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String target() {
    return "grpc://127.0.0.1:" + server.getPort();
  }

  @Override
  public StubBehavior behavior() {
    return behavior;
  }

  @Override
  public void close() {
    server.shutdownNow();
    executor.shutdownNow();
  }

  private final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
      if (!request.getName().equals("stub")) {
        response.onError(Status.NOT_FOUND.withDescription("Request for unknown model: '" + request.getName()
            + "' is not found").asRuntimeException());
        return;
      }
      response.onNext(ModelMetadataResponse.newBuilder().setName("stub").addVersions("1")
          .setPlatform("onnxruntime_onnx")
          .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("features").setDatatype("FP32")
              .addShape(-1).addShape(4))
          .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("probabilities")
              .setDatatype("FP32").addShape(-1).addShape(3))
          .build());
      response.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
      lastRequest = request;
      executor.execute(() -> {
        StubBehavior.Answer answer = behavior.arrive();
        try {
          // the injected service time and stall: the server misbehaving on purpose, not test synchronization
          TimeUnit.NANOSECONDS.sleep(answer.waitNanos());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        behavior.depart(answer);
        if (answer.fail()) {
          response.onError(Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException());
        } else {
          response.onNext(ModelInferResponse.newBuilder().setModelName("stub").setModelVersion("1").build());
          response.onCompleted();
        }
      });
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> response) {
      long count = behavior.successes.get();
      long nanos = behavior.successNanos.get();
      response.onNext(ModelStatisticsResponse.newBuilder().addModelStats(ModelStatistics.newBuilder()
          .setName("stub").setVersion("1").setInferenceCount(count).setExecutionCount(count)
          .setInferenceStats(InferStatistics.newBuilder()
              .setSuccess(duration(count, nanos))
              .setFail(duration(behavior.failures.get(), 0))
              .setQueue(duration(count, count * 1000))
              .setComputeInput(duration(count, count * 2000))
              .setComputeInfer(duration(count, nanos - count * 6000))
              .setComputeOutput(duration(count, count * 3000))))
          .build());
      response.onCompleted();
    }

    private StatisticDuration duration(long count, long nanos) {
      return StatisticDuration.newBuilder().setCount(count).setNs(nanos).build();
    }
  }
}
