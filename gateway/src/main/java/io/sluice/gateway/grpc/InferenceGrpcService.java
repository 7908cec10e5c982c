package io.sluice.gateway.grpc;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelConfigRequest;
import io.sluice.proto.inference.ModelConfigResponse;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.proto.inference.ModelMetadataResponse;
import io.sluice.proto.inference.ModelReadyRequest;
import io.sluice.proto.inference.ModelReadyResponse;
import io.sluice.proto.inference.ModelStatisticsRequest;
import io.sluice.proto.inference.ModelStatisticsResponse;
import io.sluice.proto.inference.ModelStreamInferResponse;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.proto.inference.ServerLiveResponse;
import io.sluice.proto.inference.ServerMetadataRequest;
import io.sluice.proto.inference.ServerMetadataResponse;
import io.sluice.proto.inference.ServerReadyRequest;
import io.sluice.proto.inference.ServerReadyResponse;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code inference.GRPCInferenceService} rpcs: health, metadata, config and statistics answered from
 * {@link ServerQueries}; {@code ModelInfer} and {@code ModelStreamInfer} decoded, handed to the shared
 * {@link InferenceDispatcher} and answered from the returned future. The repository rpcs (and everything else
 * the base class declares) are left to the base class: UNIMPLEMENTED.
 *
 * <p>Threading: methods run on the server's call executor and only decode and encode; inference runs on the
 * model's workers, whose completion writes the response. Calls whose deadline has passed before dispatch are
 * answered DEADLINE_EXCEEDED without running the model; cancelled calls are never written to. Works on any
 * transport, including grpc-java's in-process one.
 */
public final class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  private static final Runnable IGNORE_CANCEL = () -> { };

  private final InferenceDispatcher dispatcher;
  private final ServerQueries queries;

  public InferenceGrpcService(InferenceDispatcher dispatcher, ServerQueries queries) {
    this.dispatcher = dispatcher;
    this.queries = queries;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    try {
      reply(observer, ServerLiveResponse.newBuilder().setLive(queries.live()).build());
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    try {
      reply(observer, ServerReadyResponse.newBuilder().setReady(queries.ready()).build());
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  /** NOT_FOUND for an unknown model; {@code ready=false} for a known model (or version) that cannot serve. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    try {
      boolean ready = queries.modelReady(request.getName(), request.getVersion());
      reply(observer, ModelReadyResponse.newBuilder().setReady(ready).build());
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    try {
      reply(observer, queries.serverMetadata());
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    try {
      reply(observer, queries.modelMetadata(request.getName(), request.getVersion()));
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> observer) {
    try {
      reply(observer, queries.modelConfig(request.getName(), request.getVersion()));
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void modelStatistics(ModelStatisticsRequest request,
      StreamObserver<ModelStatisticsResponse> observer) {
    try {
      reply(observer, queries.modelStatistics(request.getName(), request.getVersion()));
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
    }
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    long received = System.nanoTime();
    ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) observer;
    // isCancelled() is polled before every write; the handler only keeps grpc-java from throwing on it.
    call.setOnCancelHandler(IGNORE_CANCEL);
    CompletableFuture<InferenceResponse> result;
    try {
      InferenceRequest inference = InferRequestConverter.convert(request, received);
      if (call.isCancelled()) {
        return;
      }
      GrpcFailures.checkDeadline(Context.current());
      result = dispatcher.dispatch(inference);
    } catch (RuntimeException e) {
      call.onError(GrpcFailures.toStatusException(e));
      return;
    }
    result.whenComplete((response, failure) -> complete(call, response, failure));
  }

  /** Runs on the worker that finished the request (or inline when dispatch rejected it at once). */
  private static void complete(ServerCallStreamObserver<ModelInferResponse> call, InferenceResponse response,
      Throwable failure) {
    if (call.isCancelled()) {
      return;
    }
    if (failure != null) {
      call.onError(GrpcFailures.toStatusException(failure));
      return;
    }
    ModelInferResponse message;
    try {
      message = InferResponseConverter.convert(response);
    } catch (RuntimeException e) {
      call.onError(GrpcFailures.toStatusException(e));
      return;
    }
    call.onNext(message);
    call.onCompleted();
  }

  /**
   * A bidirectional stream of inferences; see {@link StreamInferCall} for ordering (completion order),
   * in-band errors and flow control.
   */
  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> observer) {
    return StreamInferCall.start(dispatcher, (ServerCallStreamObserver<ModelStreamInferResponse>) observer,
        Context.current());
  }

  private static <T> void reply(StreamObserver<T> observer, T message) {
    observer.onNext(message);
    observer.onCompleted();
  }
}
