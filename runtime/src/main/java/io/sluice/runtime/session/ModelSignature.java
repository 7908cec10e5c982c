package io.sluice.runtime.session;

import static io.sluice.runtime.exec.InferenceException.quoted;

import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs and outputs of a loaded version, and the checks every request passes before it is queued:
 * known, unique and complete inputs of the right datatype and a compatible shape; known, unique outputs.
 * Immutable and thread-safe.
 */
public final class ModelSignature {
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Map<String, TensorSpec> inputsByName;
  private final Map<String, TensorSpec> outputsByName;
  private final List<String> outputNames;
  private final int maxBatchSize;

  /**
   * @param maxBatchSize when positive, the first dimension of every input is the batch and may not exceed it
   */
  public ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, int maxBatchSize) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.inputsByName = index(inputs);
    this.outputsByName = index(outputs);
    List<String> names = new ArrayList<>(outputs.size());
    for (TensorSpec output : outputs) {
      names.add(output.name());
    }
    this.outputNames = List.copyOf(names);
    this.maxBatchSize = maxBatchSize;
  }

  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** Output names in the model's order. */
  public List<String> outputNames() {
    return outputNames;
  }

  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * Checks {@code request}'s inputs and requested outputs against this signature.
   *
   * @throws InferenceException INVALID_ARGUMENT naming the tensor and what was expected
   */
  public void validate(InferenceRequest request) {
    List<Tensor> given = request.inputs();
    for (int i = 0; i < given.size(); i++) {
      Tensor tensor = given.get(i);
      TensorSpec spec = inputsByName.get(tensor.name());
      if (spec == null) {
        throw InferenceException.invalid("unknown input " + quoted(tensor.name()) + " (expected one of: "
            + names(inputs) + ")");
      }
      for (int j = 0; j < i; j++) {
        if (given.get(j).name().equals(tensor.name())) {
          throw InferenceException.invalid("duplicate input " + quoted(tensor.name()));
        }
      }
      checkTensor(spec, tensor);
    }
    if (given.size() != inputs.size()) {
      for (TensorSpec spec : inputs) {
        if (!containsInput(given, spec.name())) {
          throw InferenceException.invalid("missing input '" + spec.name() + "'");
        }
      }
    }
    List<String> requested = request.outputs();
    for (int i = 0; i < requested.size(); i++) {
      String name = requested.get(i);
      if (!outputsByName.containsKey(name)) {
        throw InferenceException.invalid("unknown output " + quoted(name) + " (expected one of: "
            + names(outputs) + ")");
      }
      for (int j = 0; j < i; j++) {
        if (requested.get(j).equals(name)) {
          throw InferenceException.invalid("duplicate output " + quoted(name));
        }
      }
    }
  }

  private void checkTensor(TensorSpec spec, Tensor tensor) {
    if (tensor.type() != spec.type()) {
      throw InferenceException.invalid("input '" + spec.name() + "': datatype " + tensor.type().wireName()
          + " (expected: " + spec.type().wireName() + ")");
    }
    boolean compatible = tensor.rank() == spec.rank();
    for (int d = 0; compatible && d < spec.rank(); d++) {
      compatible = spec.dim(d) < 0 || spec.dim(d) == tensor.dim(d);
    }
    if (!compatible) {
      throw InferenceException.invalid("input '" + spec.name() + "': shape "
          + TensorShape.toString(tensor.shape()) + " (expected: " + TensorShape.toString(spec.shape())
          + ", -1 is any size)");
    }
    if (maxBatchSize > 0 && tensor.rank() > 0 && tensor.dim(0) > maxBatchSize) {
      throw InferenceException.invalid("input '" + spec.name() + "': batch size " + tensor.dim(0)
          + " (expected: <= " + maxBatchSize + ")");
    }
  }

  private static boolean containsInput(List<Tensor> given, String name) {
    for (Tensor tensor : given) {
      if (tensor.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, TensorSpec> index(List<TensorSpec> specs) {
    Map<String, TensorSpec> byName = new HashMap<>();
    for (TensorSpec spec : specs) {
      byName.put(spec.name(), spec);
    }
    return Map.copyOf(byName);
  }

  private static String names(List<TensorSpec> specs) {
    StringBuilder text = new StringBuilder();
    for (TensorSpec spec : specs) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(spec.name());
    }
    return text.toString();
  }
}
