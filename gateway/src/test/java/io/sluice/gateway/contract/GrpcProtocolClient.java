package io.sluice.gateway.contract;

import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelConfigRequest;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.proto.inference.ModelMetadataResponse;
import io.sluice.proto.inference.ModelReadyRequest;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsRequest;
import io.sluice.proto.inference.RepositoryIndexRequest;
import io.sluice.proto.inference.RepositoryIndexResponse;
import io.sluice.proto.inference.RepositoryModelLoadRequest;
import io.sluice.proto.inference.RepositoryModelUnloadRequest;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.proto.inference.ServerReadyRequest;
import io.sluice.runtime.exec.ErrorCode;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The contract client over gRPC: raw input contents, as tritonclient sends them, or (typed mode) typed
 * {@code contents} per input. A request with an FP16/BF16 input, which has no typed field, goes raw as a whole
 * (a request is either all raw or all typed). Outputs always come back raw. {@link #request} and
 * {@link #infer(ModelInferRequest, ClientInterceptor...)} let a caller change the message before sending it.
 */
public final class GrpcProtocolClient implements ProtocolClient {
  private final ManagedChannel channel;
  private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
  private final boolean typed;

  /** A client sending raw input contents. */
  public GrpcProtocolClient(int port) {
    this(port, false);
  }

  public GrpcProtocolClient(int port, boolean typed) {
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    this.stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    this.typed = typed;
  }

  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub() {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public List<IndexRow> repositoryIndex(boolean readyOnly) {
    List<IndexRow> rows = new ArrayList<>();
    for (RepositoryIndexResponse.ModelIndex model : stub()
        .repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(readyOnly).build()).getModelsList()) {
      rows.add(new IndexRow(model.getName(), model.getVersion(), model.getState(), model.getReason()));
    }
    return rows;
  }

  @Override
  public ErrorCode load(String model) {
    try {
      stub().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(model).build());
      return null;
    } catch (StatusRuntimeException e) {
      return code(e);
    }
  }

  @Override
  public ErrorCode unload(String model) {
    try {
      stub().repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName(model).build());
      return null;
    } catch (StatusRuntimeException e) {
      return code(e);
    }
  }

  @Override
  public boolean live() {
    return stub().serverLive(ServerLiveRequest.getDefaultInstance()).getLive();
  }

  @Override
  public boolean ready() {
    return stub().serverReady(ServerReadyRequest.getDefaultInstance()).getReady();
  }

  @Override
  public boolean modelReady(String model, String version) {
    try {
      return stub().modelReady(ModelReadyRequest.newBuilder().setName(model).setVersion(version).build())
          .getReady();
    } catch (StatusRuntimeException e) {
      throw new ContractFailure(code(e), e.getStatus().getDescription());
    }
  }

  @Override
  public Metadata metadata(String model, String version) {
    ModelMetadataResponse response;
    try {
      response = stub().modelMetadata(ModelMetadataRequest.newBuilder().setName(model).setVersion(version).build());
    } catch (StatusRuntimeException e) {
      throw new ContractFailure(code(e), e.getStatus().getDescription());
    }
    return new Metadata(response.getName(), response.getVersionsList(), response.getPlatform(),
        tensors(response.getInputsList()), tensors(response.getOutputsList()));
  }

  @Override
  public long maxBatchSize(String model) {
    return stub().modelConfig(ModelConfigRequest.newBuilder().setName(model).build()).getConfig()
        .getMaxBatchSize();
  }

  @Override
  public long successCount(String model, String version) {
    return stub().modelStatistics(ModelStatisticsRequest.newBuilder().setName(model).setVersion(version).build())
        .getModelStats(0).getInferenceStats().getSuccess().getCount();
  }

  @Override
  public long executionCount(String model) {
    long count = 0;
    for (ModelStatistics version : stub().modelStatistics(ModelStatisticsRequest.newBuilder().setName(model)
        .build()).getModelStatsList()) {
      count += version.getExecutionCount();
    }
    return count;
  }

  @Override
  public Result infer(Call call) {
    return infer(request(call));
  }

  /** The message {@link #infer(Call)} sends for {@code call}. */
  public ModelInferRequest request(Call call) {
    boolean typedRequest = typed;
    for (Input input : call.inputs()) {
      typedRequest &= input.values() instanceof InferTensorContents
          || !input.datatype().equals("FP16") && !input.datatype().equals("BF16");
    }
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
        .setModelName(call.model()).setModelVersion(call.version()).setId(call.id());
    for (Input input : call.inputs()) {
      ModelInferRequest.InferInputTensor.Builder tensor = request.addInputsBuilder()
          .setName(input.name()).setDatatype(input.datatype());
      for (long dim : input.shape()) {
        tensor.addShape(dim);
      }
      if (typedRequest) {
        tensor.setContents(TypedValues.contents(input.datatype(), input.values()));
      } else {
        request.addRawInputContents(ByteString.copyFrom(RawTensors.encode(input.datatype(), input.values())));
      }
    }
    for (String output : call.outputs()) {
      request.addOutputsBuilder().setName(output);
    }
    return request.build();
  }

  /** Sends {@code request} through {@code interceptors} (e.g. to add metadata). */
  public Result infer(ModelInferRequest request, ClientInterceptor... interceptors) {
    ModelInferResponse response;
    try {
      response = stub().withInterceptors(interceptors).modelInfer(request);
    } catch (StatusRuntimeException e) {
      return Result.failure(code(e), e.getStatus().getDescription(), e.getStatus().getCode().name());
    }
    if (response.getRawOutputContentsCount() != response.getOutputsCount()) {
      throw new AssertionError("raw_output_contents must align with outputs: " + response);
    }
    List<Output> outputs = new ArrayList<>();
    for (int i = 0; i < response.getOutputsCount(); i++) {
      ModelInferResponse.InferOutputTensor tensor = response.getOutputs(i);
      long[] shape = new long[tensor.getShapeCount()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = tensor.getShape(d);
      }
      outputs.add(new Output(tensor.getName(), tensor.getDatatype(), shape,
          response.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN)));
    }
    return new Result(response.getModelName(), response.getModelVersion(), response.getId(), outputs, null, "",
        Status.Code.OK.name());
  }

  private static List<TensorInfo> tensors(List<ModelMetadataResponse.TensorMetadata> tensors) {
    List<TensorInfo> infos = new ArrayList<>();
    for (ModelMetadataResponse.TensorMetadata tensor : tensors) {
      infos.add(new TensorInfo(tensor.getName(), tensor.getDatatype(), tensor.getShapeList()));
    }
    return infos;
  }

  private static ErrorCode code(StatusRuntimeException e) {
    switch (e.getStatus().getCode()) {
      case INVALID_ARGUMENT:
        return ErrorCode.INVALID_ARGUMENT;
      case NOT_FOUND:
        return ErrorCode.NOT_FOUND;
      case UNAVAILABLE:
        return ErrorCode.UNAVAILABLE;
      case RESOURCE_EXHAUSTED:
        return ErrorCode.PAYLOAD_TOO_LARGE;
      case UNIMPLEMENTED:
        return ErrorCode.UNIMPLEMENTED;
      case DEADLINE_EXCEEDED:
        return ErrorCode.DEADLINE_EXCEEDED;
      default:
        return ErrorCode.INTERNAL;
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
