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
   * Runs the model on {@code inputs}, returning {@code outputNames} in that order.
   *
   * @throws InferenceException INTERNAL when the run fails (never with native details)
   */
  Execution execute(List<Tensor> inputs, List<String> outputNames);

  /** The model's output names in order (what "all outputs" means). */
  List<String> outputNames();
}
