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
 */
public record InferenceRequest(
    String modelName,
    String modelVersion,
    String id,
    List<Tensor> inputs,
    List<String> outputs,
    long receivedNanos) {

  public InferenceRequest {
    modelName = modelName == null ? "" : modelName;
    modelVersion = modelVersion == null ? "" : modelVersion;
    id = id == null ? "" : id;
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
