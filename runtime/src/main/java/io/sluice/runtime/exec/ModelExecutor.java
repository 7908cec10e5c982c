package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;

/**
 * Runs a model once on already-validated inputs. Implemented over an ONNX Runtime session; used by the
 * schedulers, which decide what to run together. Thread-safe.
 */
public interface ModelExecutor {

  /** The outputs of one run and how long its phases took. */
  record Execution(List<Tensor> outputs, long inputNanos, long inferNanos, long outputNanos) {}

  /**
   * Runs the model on {@code inputs}, returning {@code outputNames} in that order. Calls {@code guard}'s
   * {@link RunGuard#start start} right before the run, with an action that makes the run end early, and its
   * {@link RunGuard#finish finish} right after it.
   *
   * @throws InferenceException INTERNAL when the run fails (never with native details); when the guard
   *     stopped the run, UNAVAILABLE (the callers are gone and the failure is theirs, not the model's)
   */
  Execution execute(List<Tensor> inputs, List<String> outputNames, RunGuard guard);

  /** The model's output names in order (what "all outputs" means). */
  List<String> outputNames();
}
