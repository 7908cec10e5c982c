package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;

/**
 * The result of one inference, independent of the transport.
 *
 * @param modelName the model that ran
 * @param modelVersion the version that ran, as a decimal string
 * @param id the request's id, empty when it had none
 * @param outputs output tensors in the order requested (or the model's output order when all were requested)
 */
public record InferenceResponse(String modelName, String modelVersion, String id, List<Tensor> outputs) {
  public InferenceResponse {
    outputs = List.copyOf(outputs);
  }
}
