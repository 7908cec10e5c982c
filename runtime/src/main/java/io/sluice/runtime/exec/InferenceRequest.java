package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;

/**
 * One decoded inference request, independent of the transport it came from.
 *
 * @param modelName the model as named by the client (validated by the model manager)
 * @param modelVersion the version as sent by the client: empty for "let the server pick", otherwise decimal
 * @param id the client's request id, echoed in the response; empty when absent
 * @param inputs decoded input tensors in request order (names not yet checked against the signature)
 * @param outputs names of the requested outputs in request order; empty means every output
 * @param receivedNanos {@link System#nanoTime()} when the request's first bytes were seen
 * @param deadlineNanos {@link System#nanoTime()} by which the client needs the answer (its gRPC deadline or
 *     timeout parameter), or {@link #NO_DEADLINE}; a request past it is answered DEADLINE_EXCEEDED unrun
 * @param timeoutNanos how long the client lets the request wait in the queue (its {@code timeout} parameter),
 *     0 for no preference; the dynamic batcher honours it only when the model's queue policy allows timeout
 *     overrides, and fails a request that waited longer with UNAVAILABLE unrun
 * @param cancellation cancelled once the client has gone away (a cancelled gRPC call, a closed connection);
 *     such a request is dropped from the queue unrun, and a run serving only such requests is stopped
 * @param routingKey the client's sticky routing key ({@code x-sluice-routing-key}), empty when absent
 * @param versionPin a tester's version pin ({@code x-sluice-version}), empty when absent
 */
public record InferenceRequest(
    String modelName,
    String modelVersion,
    String id,
    List<Tensor> inputs,
    List<String> outputs,
    long receivedNanos,
    long deadlineNanos,
    long timeoutNanos,
    Cancellation cancellation,
    String routingKey,
    String versionPin) {

  /** {@link #deadlineNanos} of a request without a deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  public InferenceRequest {
    modelName = modelName == null ? "" : modelName;
    modelVersion = modelVersion == null ? "" : modelVersion;
    id = id == null ? "" : id;
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (timeoutNanos < 0) {
      throw new IllegalArgumentException("timeoutNanos: " + timeoutNanos + " (expected: >= 0)");
    }
    cancellation = cancellation == null ? Cancellation.NONE : cancellation;
    routingKey = routingKey == null ? "" : routingKey;
    versionPin = versionPin == null ? "" : versionPin;
  }

  /** A request without deadline or cancellation. */
  public InferenceRequest(String modelName, String modelVersion, String id, List<Tensor> inputs,
      List<String> outputs, long receivedNanos) {
    this(modelName, modelVersion, id, inputs, outputs, receivedNanos, NO_DEADLINE, 0, null, "", "");
  }

  /** This request with a deadline and a cancellation signal (null for none). */
  public InferenceRequest withDeadline(long newDeadlineNanos, Cancellation newCancellation) {
    return new InferenceRequest(modelName, modelVersion, id, inputs, outputs, receivedNanos, newDeadlineNanos,
        timeoutNanos, newCancellation, routingKey, versionPin);
  }

  /** This request with the queue timeout its client asked for (0 for none). */
  public InferenceRequest withTimeout(long newTimeoutNanos) {
    return new InferenceRequest(modelName, modelVersion, id, inputs, outputs, receivedNanos, deadlineNanos,
        newTimeoutNanos, cancellation, routingKey, versionPin);
  }

  /** This request with a sticky routing key and a version pin (either may be null or empty). */
  public InferenceRequest withRouting(String newRoutingKey, String newVersionPin) {
    return new InferenceRequest(modelName, modelVersion, id, inputs, outputs, receivedNanos, deadlineNanos,
        timeoutNanos, cancellation, newRoutingKey, newVersionPin);
  }

  /**
   * The {@code timeout} request parameter, in microseconds as Triton takes it, as {@link #timeoutNanos}
   * (saturating; 0 means none).
   *
   * @throws InferenceException INVALID_ARGUMENT when it is negative
   */
  public static long timeoutParameter(long micros) {
    if (micros < 0) {
      throw InferenceException.invalid("parameter 'timeout': " + micros + " (expected: microseconds >= 0)");
    }
    return micros > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : micros * 1000;
  }

  /** Whether the deadline has passed at {@code nowNanos}. */
  public boolean expired(long nowNanos) {
    return deadlineNanos != NO_DEADLINE && nowNanos - deadlineNanos >= 0;
  }

  /**
   * The failure for a request that must not run (deadline passed or client gone), or null when it may run.
   */
  public InferenceException abandoned(long nowNanos) {
    if (cancellation.isCancelled()) {
      return InferenceException.unavailable("the request was cancelled by the client");
    }
    if (expired(nowNanos)) {
      return new InferenceException(ErrorCode.DEADLINE_EXCEEDED, "the request's deadline passed before it ran");
    }
    return null;
  }
}
