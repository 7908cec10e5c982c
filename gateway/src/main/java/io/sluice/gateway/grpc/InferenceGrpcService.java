package io.sluice.gateway.grpc;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.canary.routing.Router;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceCall;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
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
import io.sluice.proto.inference.RepositoryIndexRequest;
import io.sluice.proto.inference.RepositoryIndexResponse;
import io.sluice.proto.inference.RepositoryModelLoadRequest;
import io.sluice.proto.inference.RepositoryModelLoadResponse;
import io.sluice.proto.inference.RepositoryModelUnloadRequest;
import io.sluice.proto.inference.RepositoryModelUnloadResponse;
import io.sluice.proto.inference.ServerReadyResponse;
import io.sluice.runtime.exec.Cancellation;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code inference.GRPCInferenceService} rpcs: health, metadata, config and statistics answered from
 * {@link ServerQueries}; {@code ModelInfer} and {@code ModelStreamInfer} decoded, handed to the shared
 * {@link InferenceDispatcher} and answered from the returned future; the repository rpcs through
 * {@link io.sluice.gateway.core.RepositoryControl}. Shared memory, trace and log rpcs are left to the generated
 * interface's defaults: UNIMPLEMENTED.
 *
 * <p>Canary routing hints come from the call's metadata: {@code x-sluice-routing-key} (the sticky routing key)
 * and {@code x-sluice-version} (a tester's version pin), for {@code ModelInfer} and for every request of a
 * {@code ModelStreamInfer} call. {@link #bindService()} wraps the service in an interceptor that puts them
 * into the call's {@link Context} (only when present), whatever server the service is added to.
 *
 * <p>Threading: methods run on the server's call executor (the event loops, in {@link GrpcFrontEnd}), never block
 * and only decode and encode; inference runs on the model's workers, whose completion writes the response. Calls whose deadline has passed before dispatch are
 * answered DEADLINE_EXCEEDED without running the model; cancelled calls are never written to, dropped from the
 * queue unrun, and their run is stopped when no other caller shares it. The {@code timeout} request parameter
 * (microseconds) is the request's queue timeout, honoured as the model's queue policy says. Works on any
 * transport, including grpc-java's in-process one.
 */
public final class InferenceGrpcService implements GRPCInferenceServiceGrpc.AsyncService, BindableService {

  /** The sticky routing key metadata. */
  static final Metadata.Key<String> ROUTING_KEY =
      Metadata.Key.of(Router.ROUTING_KEY_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  /** The version pin metadata. */
  static final Metadata.Key<String> VERSION_PIN =
      Metadata.Key.of(Router.PIN_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  /** The routing hints of the current call, or null when it sent none. */
  static final Context.Key<Routing> ROUTING = Context.key("sluice-routing");

  /**
   * A call's canary routing hints.
   *
   * @param key the {@code x-sluice-routing-key} metadata, or null
   * @param pin the {@code x-sluice-version} metadata, or null
   */
  record Routing(String key, String pin) {}

  /** Copies the routing metadata into the call's context; calls without it pass through untouched. */
  private static final ServerInterceptor ROUTING_METADATA = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      String key = headers.get(ROUTING_KEY);
      String pin = headers.get(VERSION_PIN);
      if (key == null && pin == null) {
        return next.startCall(call, headers);
      }
      return Contexts.interceptCall(Context.current().withValue(ROUTING, new Routing(key, pin)), call, headers,
          next);
    }
  };

  private final InferenceDispatcher dispatcher;
  private final ServerQueries queries;
  private final GrpcAdmission admission;

  /** A service with its own default {@link Admission} (tests and embedding). */
  public InferenceGrpcService(InferenceDispatcher dispatcher, ServerQueries queries) {
    this(dispatcher, queries, Admission.withDefaults());
  }

  /** A service that admits inference requests through {@code admission}, shared with the HTTP listener. */
  public InferenceGrpcService(InferenceDispatcher dispatcher, ServerQueries queries, Admission admission) {
    this.dispatcher = dispatcher;
    this.queries = queries;
    this.admission = new GrpcAdmission(admission, dispatcher);
  }

  /**
   * The service with the routing-metadata interceptor in front of every method (the generated base class's
   * {@code bindService} is final, so this implements the generated {@code AsyncService} directly; rpcs not
   * overridden here answer UNIMPLEMENTED as before).
   */
  @Override
  public ServerServiceDefinition bindService() {
    return ServerInterceptors.intercept(GRPCInferenceServiceGrpc.bindService(this), ROUTING_METADATA);
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    answer(observer, () -> ServerLiveResponse.newBuilder().setLive(queries.live()).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    answer(observer, () -> ServerReadyResponse.newBuilder().setReady(queries.ready()).build());
  }

  /** NOT_FOUND for an unknown model; {@code ready=false} for a known model (or version) that cannot serve. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    answer(observer, () -> ModelReadyResponse.newBuilder()
        .setReady(queries.modelReady(request.getName(), request.getVersion())).build());
  }

  @Override
  public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    answer(observer, () -> queries.serverMetadata());
  }

  @Override
  public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    answer(observer, () -> queries.modelMetadata(request.getName(), request.getVersion()));
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> observer) {
    answer(observer, () -> queries.modelConfig(request.getName(), request.getVersion()));
  }

  @Override
  public void modelStatistics(ModelStatisticsRequest request,
      StreamObserver<ModelStatisticsResponse> observer) {
    answer(observer, () -> queries.modelStatistics(request.getName(), request.getVersion()));
  }

  @Override
  public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> observer) {
    answer(observer, () -> queries.repository().index(request.getReady()));
  }

  @Override
  public void repositoryModelLoad(RepositoryModelLoadRequest request,
      StreamObserver<RepositoryModelLoadResponse> observer) {
    complete(observer, () -> queries.repository().load(request.getModelName()),
        RepositoryModelLoadResponse.getDefaultInstance());
  }

  @Override
  public void repositoryModelUnload(RepositoryModelUnloadRequest request,
      StreamObserver<RepositoryModelUnloadResponse> observer) {
    complete(observer, () -> queries.repository().unload(request.getModelName()),
        RepositoryModelUnloadResponse.getDefaultInstance());
  }

  /** Replies with what {@code answer} computes, or with the status of what it throws. */
  private static <T> void answer(StreamObserver<T> observer, java.util.function.Supplier<T> answer) {
    T response;
    try {
      response = answer.get();
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
      return;
    }
    reply(observer, response);
  }

  /** Replies {@code done} when the operation completes, or with the status of its failure. */
  private static <T> void complete(StreamObserver<T> observer,
      java.util.function.Supplier<CompletableFuture<Void>> operation, T done) {
    CompletableFuture<Void> started;
    try {
      started = operation.get();
    } catch (RuntimeException e) {
      observer.onError(GrpcFailures.toStatusException(e));
      return;
    }
    started.whenComplete((ignored, failure) -> {
      if (failure == null) {
        reply(observer, done);
      } else {
        observer.onError(GrpcFailures.toStatusException(failure));
      }
    });
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    long received = System.nanoTime();
    ServerCallStreamObserver<ModelInferResponse> call = (ServerCallStreamObserver<ModelInferResponse>) observer;
    long bytes = admission.admit(request, received);
    if (bytes == GrpcAdmission.REFUSED) {
      call.onError(admission.refusalStatus());
      return;
    }
    // The call's context is cancelled when the client cancels or the deadline passes, on grpc-java's
    // non-serializing cancel executor, so a run serving only this request is stopped and queued requests are
    // dropped. isCancelled() is still polled before writing.
    Cancellation cancellation = new Cancellation();
    Context.current().addListener(cancelled -> cancellation.cancel(), Runnable::run);
    InferenceRequest inference;
    try {
      inference = InferRequestConverter.convert(request, received, ROUTING.get());
      if (call.isCancelled()) {
        dispatcher.reject(request.getModelName(), Protocol.GRPC, received, Outcome.CANCELLED);
        admission.release(bytes);
        return;
      }
      GrpcFailures.checkDeadline(Context.current());
      // The schedulers drop a queued request unrun once its deadline passes or its caller is gone.
      inference = inference.withDeadline(deadlineNanos(Context.current(), received), cancellation);
    } catch (RuntimeException e) {
      dispatcher.reject(request.getModelName(), Protocol.GRPC, received, Outcome.of(e));
      call.onError(GrpcFailures.toStatusException(e));
      admission.release(bytes);
      return;
    }
    // Handlers run on the event loop (GrpcFrontEnd): the model runs on the version's workers.
    InferenceCall result = dispatcher.dispatch(inference, Protocol.GRPC);
    result.whenComplete((response, failure) -> {
      try {
        complete(call, result, response, failure);
      } finally {
        admission.release(bytes);
      }
    });
  }

  /** The call's deadline on the {@link System#nanoTime()} clock, or {@link InferenceRequest#NO_DEADLINE}. */
  static long deadlineNanos(Context context, long now) {
    io.grpc.Deadline deadline = context.getDeadline();
    if (deadline == null) {
      return InferenceRequest.NO_DEADLINE;
    }
    return now + deadline.timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /**
   * Runs on the worker that finished the request (or inline when dispatch rejected it at once); reports the
   * end of {@code result} once the answer is handed to the transport.
   */
  private static void complete(ServerCallStreamObserver<ModelInferResponse> call, InferenceCall result,
      InferenceResponse response, Throwable failure) {
    if (call.isCancelled()) {
      result.answered(failure, false);
      return;
    }
    if (failure != null) {
      call.onError(GrpcFailures.toStatusException(failure));
      result.answered(failure, true);
      return;
    }
    ModelInferResponse message;
    try {
      message = InferResponseConverter.convert(response);
    } catch (RuntimeException e) {
      call.onError(GrpcFailures.toStatusException(e));
      result.answered(e, true);
      return;
    }
    call.onNext(message);
    call.onCompleted();
    result.answered(null, true);
  }

  /**
   * A bidirectional stream of inferences; see {@link StreamInferCall} for ordering (completion order),
   * in-band errors and flow control.
   */
  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> observer) {
    return StreamInferCall.start(dispatcher, admission, (ServerCallStreamObserver<ModelStreamInferResponse>) observer,
        Context.current());
  }

  private static <T> void reply(StreamObserver<T> observer, T message) {
    observer.onNext(message);
    observer.onCompleted();
  }
}
