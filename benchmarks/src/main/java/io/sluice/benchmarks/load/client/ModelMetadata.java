package io.sluice.benchmarks.load.client;

import java.util.List;
import java.util.Objects;

/**
 * A model's v2 metadata ({@code GET /v2/models/M} or the ModelMetadata rpc).
 *
 * @param name the model name
 * @param versions the versions the server lists
 * @param platform the platform, e.g. {@code onnxruntime_onnx}
 * @param inputs the declared inputs, {@code -1} for variable dimensions
 * @param outputs the declared outputs
 */
public record ModelMetadata(String name, List<String> versions, String platform, List<TensorSpec> inputs,
    List<TensorSpec> outputs) {

  /** Copies the lists. */
  public ModelMetadata {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(versions);
    platform = platform == null ? "" : platform;
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
