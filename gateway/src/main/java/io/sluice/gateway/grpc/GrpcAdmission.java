package io.sluice.gateway.grpc;

import io.grpc.StatusRuntimeException;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.exec.InferenceException;

/**
 * Admission of gRPC inference requests, for {@code ModelInfer} and each request of a {@code ModelStreamInfer}
 * alike: a request is admitted by its serialized size through the server-wide {@link Admission} (shared with the
 * HTTP listener) as it arrives. A refused request is recorded with the dispatcher as
 * {@link Outcome#UNAVAILABLE}, never dispatched, and answered with the shared {@link #refusal()}; an admitted one
 * holds its bytes until {@link #release} once its answer was handed to the transport (or it will never be
 * answered).
 *
 * <p>Thread-safe and stateless beyond the {@link Admission} it wraps; one per service.
 */
final class GrpcAdmission {
  /** What {@link #admit} returns for a refused request: it holds nothing, and {@link #release} ignores it. */
  static final long REFUSED = -1;

  private final Admission admission;
  private final InferenceDispatcher dispatcher;

  GrpcAdmission(Admission admission, InferenceDispatcher dispatcher) {
    this.admission = admission;
    this.dispatcher = dispatcher;
  }

  /**
   * Admits {@code request}, received at {@code receivedNanos} ({@link System#nanoTime()}).
   *
   * @return the bytes it holds (pass them to {@link #release}), or {@link #REFUSED} after recording the refusal;
   *     the caller then answers it with {@link #refusal()} or {@link #refusalStatus()}
   */
  long admit(ModelInferRequest request, long receivedNanos) {
    long bytes = request.getSerializedSize();
    if (!admission.tryAdmit(bytes)) {
      dispatcher.reject(request.getModelName(), Protocol.GRPC, receivedNanos, Outcome.UNAVAILABLE);
      return REFUSED;
    }
    return bytes;
  }

  /** Ends a request that {@link #admit} returned {@code admittedBytes} for; nothing for {@link #REFUSED}. */
  void release(long admittedBytes) {
    if (admittedBytes != REFUSED) {
      admission.release(admittedBytes);
    }
  }

  /** The refusal, for in-band answers ({@code ModelStreamInfer}'s {@code error_message}). */
  InferenceException refusal() {
    return admission.refusal();
  }

  /** The refusal as the call's status: UNAVAILABLE with the retry pushback trailer (a new one per call). */
  StatusRuntimeException refusalStatus() {
    return GrpcFailures.toRetryLater(admission.refusal(), admission.retryAfterSeconds());
  }
}
