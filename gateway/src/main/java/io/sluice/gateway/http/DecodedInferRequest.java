package io.sluice.gateway.http;

import io.sluice.runtime.exec.InferenceRequest;
import java.util.List;

/**
 * An infer request as decoded from HTTP: the transport-independent {@link InferenceRequest} plus what only the
 * HTTP encoder needs (whether the client sent an {@code id}, which outputs travel as binary).
 *
 * @param request the request handed to the dispatcher
 * @param idPresent whether the body had an {@code "id"} member (the response echoes it only then)
 * @param binaryByDefault the request's {@code "binary_data_output"} parameter: outputs not listed, or listed
 *     without a {@code binary_data} parameter, are binary when true
 * @param outputBinary per requested output (aligned with {@code request.outputs()}): its effective binary flag
 */
record DecodedInferRequest(
    InferenceRequest request, boolean idPresent, boolean binaryByDefault, List<Boolean> outputBinary) {

  DecodedInferRequest {
    outputBinary = List.copyOf(outputBinary);
  }

  /** Whether output {@code name} is written as binary. */
  boolean binary(String name) {
    List<String> requested = request.outputs();
    for (int i = 0; i < requested.size(); i++) {
      if (requested.get(i).equals(name)) {
        return outputBinary.get(i);
      }
    }
    return binaryByDefault;
  }
}
