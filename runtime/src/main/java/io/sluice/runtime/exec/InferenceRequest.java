package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;
import java.util.function.BooleanSupplier;

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
 * @param cancelled true once the client has gone away (a cancelled gRPC call); such a request is dropped
 *     from the queue unrun
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
    BooleanSupplier cancelled,
    String routingKey,
    String versionPin) {

  /** {@link #deadlineNanos} of a request without a deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  private static final BooleanSupplier NEVER = () -> false;

  public InferenceRequest {
    modelName = modelName == null ? "" : modelName;
    modelVersion = modelVersion == null ? "" : modelVersion;
    id = id == null ? "" : id;
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    cancelled = cancelled == null ? NEVER : cancelled;
    routingKey = routingKey == null ? "" : routingKey;
    versionPin = versionPin == null ? "" : versionPin;
  }

  /** A request without deadline or cancellation. */
  public InferenceRequest(String modelName, String modelVersion, String id, List<Tensor> inputs,
      List<String> outputs, long receivedNanos) {
    this(modelName, modelVersion, id, inputs, outputs, receivedNanos, NO_DEADLINE, null, "", "");
  }

  /** This request with a deadline and a cancellation signal. */
  public InferenceRequest withDeadline(long newDeadlineNanos, BooleanSupplier newCancelled) {
    return new InferenceRequest(modelName, modelVersion, id, inputs, outputs, receivedNanos, newDeadlineNanos,
        newCancelled, routingKey, versionPin);
  }

  /** This request with a sticky routing key and a version pin (either may be null or empty). */
  public InferenceRequest withRouting(String newRoutingKey, String newVersionPin) {
    return new InferenceRequest(modelName, modelVersion, id, inputs, outputs, receivedNanos, deadlineNanos,
        cancelled, newRoutingKey, newVersionPin);
  }

  /** Whether the deadline has passed at {@code nowNanos}. */
  public boolean expired(long nowNanos) {
    return deadlineNanos != NO_DEADLINE && nowNanos - deadlineNanos >= 0;
  }

  /**
   * The failure for a request that must not run (deadline passed or client gone), or null when it may run.
   */
  public InferenceException abandoned(long nowNanos) {
    if (cancelled.getAsBoolean()) {
      return InferenceException.unavailable("the request was cancelled by the client");
    }
    if (expired(nowNanos)) {
      return new InferenceException(ErrorCode.DEADLINE_EXCEEDED, "the request's deadline passed before it ran");
    }
    return null;
  }
}
