package io.sluice.gateway.grpc;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.gateway.core.GatewayErrors;
import io.sluice.gateway.core.InferenceCall;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelStreamInferResponse;
import io.sluice.runtime.exec.Cancellation;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;

/**
 * One {@code ModelStreamInfer} call: every request is dispatched as it arrives and answered with exactly one
 * {@link ModelStreamInferResponse}.
 *
 * <ul>
 *   <li><b>Ordering:</b> answers leave in order of completion, not of arrival, so a slow request never holds
 *       back faster ones (requests may target different models). Clients correlate by the request
 *       {@code id}, which every answer echoes, together with the model name and version.
 *   <li><b>Errors in band:</b> a request that fails (decoding, validation, unknown model, overload, expired
 *       deadline, run failure) is answered with {@code error_message} set, and {@code infer_response} carrying
 *       only the request's id, model name and version; the stream keeps going. The call itself ends with OK
 *       once the client half-closes and every request has been answered.
 *   <li><b>Flow control:</b> at most {@link #MAX_IN_FLIGHT} requests are read and not yet answered; the next
 *       request is read only when an answer has been handed to a transport that is ready to send, so a client
 *       that never reads its answers stops being read instead of growing the server's buffers.
 *   <li><b>Cancellation and deadline:</b> once the client cancels (or the call's deadline passes), nothing
 *       more is written, requests not yet dispatched are dropped, queued ones are dropped unrun, and runs
 *       serving only this call's requests are stopped: each request listens to the call's {@link Context}
 *       while it is dispatched, as a unary call does.
 * </ul>
 *
 * <p>Threading: {@link #onNext} runs on the call executor (the event loops, in {@link GrpcFrontEnd}) and never
 * waits for a run; answers are written from the workers that complete the requests. Every interaction with the
 * response observer happens under one lock, as grpc-java requires calls on it not to overlap.
 */
final class StreamInferCall implements StreamObserver<ModelInferRequest> {
  /** Requests of one stream that may be read and not yet answered. */
  static final int MAX_IN_FLIGHT = 64;

  private final InferenceDispatcher dispatcher;
  private final GrpcAdmission admission;
  private final ServerCallStreamObserver<ModelStreamInferResponse> call;
  /**
   * The call's context: its deadline, its canary routing hints ({@link InferenceGrpcService#ROUTING}), and its
   * cancellation, which each dispatched request listens to until it completes.
   */
  private final Context context;
  private final Object lock = new Object();
  // Guarded by lock.
  private int inFlight;
  private int deferredRequests;
  private boolean halfClosed;
  private boolean done;

  private StreamInferCall(InferenceDispatcher dispatcher, GrpcAdmission admission,
      ServerCallStreamObserver<ModelStreamInferResponse> call, Context context) {
    this.dispatcher = dispatcher;
    this.admission = admission;
    this.call = call;
    this.context = context;
  }

  /** Sets up flow control and cancellation on {@code call}; must run inside the service method. */
  static StreamInferCall start(InferenceDispatcher dispatcher, GrpcAdmission admission,
      ServerCallStreamObserver<ModelStreamInferResponse> call, Context context) {
    StreamInferCall stream = new StreamInferCall(dispatcher, admission, call, context);
    call.disableAutoRequest();
    call.setOnCancelHandler(stream::cancelled);
    call.setOnReadyHandler(stream::ready);
    call.request(MAX_IN_FLIGHT);
    return stream;
  }

  @Override
  public void onNext(ModelInferRequest request) {
    long received = System.nanoTime();
    synchronized (lock) {
      inFlight++;
    }
    String id = request.getId();
    String model = request.getModelName();
    String version = request.getModelVersion();
    long bytes = admission.admit(request, received);
    if (bytes == GrpcAdmission.REFUSED) {
      answer(error(id, model, version, admission.refusal()), null, null, bytes);
      return;
    }
    InferenceRequest inference;
    try {
      inference = InferRequestConverter.convert(request, received, InferenceGrpcService.ROUTING.get(context));
      if (call.isCancelled()) {
        dispatcher.reject(model, Protocol.GRPC, received, Outcome.CANCELLED);
        answer(null, null, null, bytes);
        return;
      }
      GrpcFailures.checkDeadline(context);
    } catch (RuntimeException e) {
      dispatcher.reject(model, Protocol.GRPC, received, Outcome.of(e));
      answer(error(id, model, version, e), null, null, bytes);
      return;
    }
    // As for a unary call, the context carries the stream's deadline and cancellation to each request: grpc-java
    // cancels it at once on its non-serializing cancel executor (the onCancel handler waits behind the requests
    // queued for this call; one read meanwhile is cancelled as it registers), so queued requests are dropped
    // unrun and a run serving only cancelled requests is stopped. The listener leaves the context on completion.
    Cancellation cancellation = new Cancellation();
    Context.CancellationListener cancel = cancelled -> cancellation.cancel();
    context.addListener(cancel, Runnable::run);
    inference = inference.withDeadline(InferenceGrpcService.deadlineNanos(context, received), cancellation);
    InferenceCall result = dispatcher.dispatch(inference, Protocol.GRPC);
    result.whenComplete((response, failure) -> {
      context.removeListener(cancel);
      if (failure != null) {
        answer(error(id, model, version, failure), result, failure, bytes);
        return;
      }
      ModelStreamInferResponse message;
      try {
        message = ModelStreamInferResponse.newBuilder()
            .setInferResponse(InferResponseConverter.convert(response))
            .build();
      } catch (RuntimeException e) {
        answer(error(id, model, version, e), result, e, bytes);
        return;
      }
      answer(message, result, null, bytes);
    });
  }

  /** The client half-closed: end the call once every request read so far is answered. */
  @Override
  public void onCompleted() {
    synchronized (lock) {
      halfClosed = true;
      completeIfDrained();
    }
  }

  /** The call was cancelled (or the client failed it): nothing more is written. */
  @Override
  public void onError(Throwable failure) {
    cancelled();
  }

  /** Nothing more is written; the requests still running learn of it from the call's context. */
  private void cancelled() {
    synchronized (lock) {
      done = true;
    }
  }

  /** The transport can take more: read the requests held back while it could not. */
  private void ready() {
    synchronized (lock) {
      if (!done && deferredRequests > 0) {
        int credit = deferredRequests;
        deferredRequests = 0;
        call.request(credit);
      }
    }
  }

  /**
   * Writes one answer (null: nothing to write) and reads the next request when the transport is ready;
   * then reports the end of {@code result} (when not null), whose answer carried {@code failure}, and releases
   * the request's {@code admittedBytes} ({@link GrpcAdmission#release}).
   */
  private void answer(ModelStreamInferResponse message, InferenceCall result, Throwable failure,
      long admittedBytes) {
    boolean delivered;
    synchronized (lock) {
      inFlight--;
      delivered = !done && !call.isCancelled();
      if (delivered) {
        if (message != null) {
          call.onNext(message);
        }
        if (call.isReady()) {
          call.request(1);
        } else {
          deferredRequests++;
        }
        completeIfDrained();
      } else {
        done = true;
      }
    }
    admission.release(admittedBytes);
    if (result != null) {
      result.answered(failure, delivered);
    }
  }

  private void completeIfDrained() {
    if (halfClosed && inFlight == 0 && !done) {
      done = true;
      call.onCompleted();
    }
  }

  private static ModelStreamInferResponse error(String id, String model, String version, Throwable failure) {
    InferenceException normalized = GatewayErrors.normalize(failure);
    String message = normalized.getMessage();
    if (message == null || message.isEmpty()) {
      // An empty error_message would read as success.
      message = normalized.code().name();
    }
    return ModelStreamInferResponse.newBuilder()
        .setErrorMessage(message)
        .setInferResponse(ModelInferResponse.newBuilder().setModelName(model).setModelVersion(version).setId(id))
        .build();
  }
}
