package io.sluice.benchmarks.load.client;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The gRPC client: raw input contents, async unary calls on a few channels with callbacks on the transport. */
final class GrpcInferenceClient implements InferenceClient {

  private static final int MAX_INBOUND_BYTES = 256 << 20;

  private final ClientOptions options;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<GRPCInferenceServiceGrpc.GRPCInferenceServiceStub> stubs = new ArrayList<>();
  private final AtomicLong next = new AtomicLong();
  private final long timeoutNanos;
  private volatile List<ModelInferRequest> requests = List.of();

  GrpcInferenceClient(ClientOptions options) {
    this.options = options;
    this.timeoutNanos = options.requestTimeout().toNanos();
    for (int i = 0; i < options.grpcChannels(); i++) {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress(options.target().host(), options.target().port(),
              InsecureChannelCredentials.create())
          .directExecutor()
          .maxInboundMessageSize(MAX_INBOUND_BYTES)
          .build();
      channels.add(channel);
      stubs.add(GRPCInferenceServiceGrpc.newStub(channel));
    }
  }

  @Override
  public ClientOptions options() {
    return options;
  }

  @Override
  public ModelMetadata metadata() throws TargetException {
    ModelMetadataResponse response;
    try {
      response = blocking().modelMetadata(ModelMetadataRequest.newBuilder()
          .setName(options.model()).setVersion(options.version()).build());
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String description = status.getDescription() == null ? "" : ": " + status.getDescription();
      throw switch (status.getCode()) {
        case NOT_FOUND -> new TargetException(options.modelLabel() + " not found on " + options.target() + description);
        case UNAVAILABLE -> new TargetException("cannot connect to " + options.target()
            + (refused(e) ? " (connection refused)" : " (UNAVAILABLE" + description + ")"));
        case DEADLINE_EXCEEDED -> new TargetException("no answer from " + options.target() + " within "
            + options.connectTimeout().toMillis() + " ms");
        default -> new TargetException("metadata of " + options.modelLabel() + " failed on " + options.target()
            + ": " + status.getCode() + description);
      };
    }
    try {
      return new ModelMetadata(response.getName(), response.getVersionsList(), response.getPlatform(),
          specs(response.getInputsList()), specs(response.getOutputsList()));
    } catch (IllegalArgumentException e) {
      throw new TargetException("metadata of " + options.modelLabel() + " from " + options.target()
          + " is unusable: " + e.getMessage());
    }
  }

  @Override
  public Optional<ServerStatistics> statistics() {
    ModelStatisticsResponse response;
    try {
      response = blocking().modelStatistics(ModelStatisticsRequest.newBuilder()
          .setName(options.model()).setVersion(options.version()).build());
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
    ServerStatistics sum = ServerStatistics.ZERO;
    for (ModelStatistics stats : response.getModelStatsList()) {
      if (stats.getName().isEmpty() || stats.getName().equals(options.model())) {
        InferStatistics infer = stats.getInferenceStats();
        sum = sum.plus(new ServerStatistics(duration(infer.getSuccess()), duration(infer.getFail()),
            duration(infer.getQueue()), duration(infer.getComputeInput()), duration(infer.getComputeInfer()),
            duration(infer.getComputeOutput()), stats.getExecutionCount()));
      }
    }
    return Optional.of(sum);
  }

  @Override
  public void prepare(List<List<Tensor>> records) {
    List<ModelInferRequest> prepared = new ArrayList<>();
    for (List<Tensor> record : records) {
      ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
          .setModelName(options.model())
          .setModelVersion(options.version());
      for (Tensor tensor : record) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
            .setName(tensor.name())
            .setDatatype(tensor.datatype().name());
        for (long dim : tensor.shape()) {
          input.addShape(dim);
        }
        request.addInputs(input).addRawInputContents(ByteString.copyFrom(tensor.data()));
      }
      prepared.add(request.build());
    }
    requests = List.copyOf(prepared);
  }

  @Override
  public void send(long intendedNanos, ResponseListener listener) {
    List<ModelInferRequest> all = requests;
    long index = next.getAndIncrement();
    ModelInferRequest request = all.size() == 1 ? all.get(0) : all.get((int) (index % all.size()));
    GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub =
        stubs.size() == 1 ? stubs.get(0) : stubs.get((int) (index % stubs.size()));
    long sentNanos = System.nanoTime();
    stub.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
        .modelInfer(request, new Outcome(intendedNanos, sentNanos, listener));
  }

  @Override
  public Optional<String> explainFailure() {
    List<ModelInferRequest> all = requests;
    if (all.isEmpty()) {
      return Optional.empty();
    }
    try {
      GRPCInferenceServiceGrpc.newBlockingStub(channels.get(0))
          .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
          .modelInfer(all.get(0));
      return Optional.empty();
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      return Optional.of(status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    }
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      try {
        channel.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channels.get(0))
        .withDeadlineAfter(options.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  private static boolean refused(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  private static List<TensorSpec> specs(List<ModelMetadataResponse.TensorMetadata> tensors) {
    List<TensorSpec> specs = new ArrayList<>();
    for (ModelMetadataResponse.TensorMetadata tensor : tensors) {
      specs.add(new TensorSpec(tensor.getName(), Datatype.of(tensor.getDatatype()),
          tensor.getShapeList().stream().mapToLong(Long::longValue).toArray()));
    }
    return specs;
  }

  private static ServerStatistics.Duration duration(StatisticDuration duration) {
    return new ServerStatistics.Duration(duration.getCount(), duration.getNs());
  }

  /** Reports one call's outcome to the listener. */
  private static final class Outcome implements StreamObserver<ModelInferResponse> {
    private final long intendedNanos;
    private final long sentNanos;
    private final ResponseListener listener;

    Outcome(long intendedNanos, long sentNanos, ResponseListener listener) {
      this.intendedNanos = intendedNanos;
      this.sentNanos = sentNanos;
      this.listener = listener;
    }

    @Override
    public void onNext(ModelInferResponse response) {
      // the latency ends at onCompleted; the body is not inspected
    }

    @Override
    public void onError(Throwable error) {
      listener.onComplete(intendedNanos, sentNanos, Status.fromThrowable(error).getCode().name());
    }

    @Override
    public void onCompleted() {
      listener.onComplete(intendedNanos, sentNanos, null);
    }
  }
}
