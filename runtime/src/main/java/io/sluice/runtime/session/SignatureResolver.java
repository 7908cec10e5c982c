package io.sluice.runtime.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelInput;
import io.sluice.proto.config.ModelOutput;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.OrtTensors;
import io.sluice.runtime.tensor.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Derives a version's {@link ModelSignature} from the ONNX model itself and reconciles it with the model's
 * {@code config.pbtxt} when there is one (names, datatypes and dims must agree; the config may narrow a
 * variable dimension), like Triton's auto-complete. Also produces the effective config reported by the
 * config endpoints.
 */
final class SignatureResolver {
  static final String PLATFORM = "onnxruntime_onnx";
  static final String BACKEND = "onnxruntime";

  private SignatureResolver() {}

  /** The signature of {@code session} under {@code config} (null when the model has none). */
  static ModelSignature resolve(OrtSession session, ModelConfig config) throws ModelLoadException {
    List<TensorSpec> modelInputs = specs("input", session::getInputInfo);
    List<TensorSpec> modelOutputs = specs("output", session::getOutputInfo);
    if (config == null) {
      return new ModelSignature(modelInputs, modelOutputs, 0);
    }
    int maxBatchSize = config.getMaxBatchSize();
    if (maxBatchSize < 0) {
      throw new ModelLoadException("config.pbtxt: max_batch_size " + maxBatchSize + " (expected: >= 0)");
    }
    List<TensorSpec> inputs = new ArrayList<>(modelInputs);
    for (ModelInput input : config.getInputList()) {
      reconcile(inputs, "input", input.getName(), input.getDataType().name(), input.getDimsList(), maxBatchSize);
    }
    List<TensorSpec> outputs = new ArrayList<>(modelOutputs);
    for (ModelOutput output : config.getOutputList()) {
      reconcile(outputs, "output", output.getName(), output.getDataType().name(), output.getDimsList(),
          maxBatchSize);
    }
    if (maxBatchSize > 0) {
      for (TensorSpec spec : inputs) {
        if (spec.rank() == 0 || spec.dim(0) >= 0) {
          throw new ModelLoadException("config.pbtxt: max_batch_size " + maxBatchSize + " but input '"
              + spec.name() + "' has no variable first dimension (shape " + TensorShape.toString(spec.shape())
              + ")");
        }
      }
    }
    return new ModelSignature(inputs, outputs, maxBatchSize);
  }

  /** {@code config} completed from {@code signature}: name, platform, and any inputs/outputs it left out. */
  static ModelConfig effectiveConfig(String modelName, ModelConfig config, ModelSignature signature) {
    ModelConfig.Builder effective = config == null ? ModelConfig.newBuilder() : config.toBuilder();
    effective.setName(modelName);
    if (effective.getPlatform().isEmpty()) {
      effective.setPlatform(PLATFORM);
    }
    if (effective.getBackend().isEmpty()) {
      effective.setBackend(BACKEND);
    }
    int skip = signature.maxBatchSize() > 0 ? 1 : 0;
    if (effective.getInputCount() == 0) {
      for (TensorSpec spec : signature.inputs()) {
        effective.addInput(ModelInput.newBuilder().setName(spec.name())
            .setDataType(io.sluice.proto.config.DataType.valueOf(spec.type().configName()))
            .addAllDims(dims(spec, skip)));
      }
    }
    if (effective.getOutputCount() == 0) {
      for (TensorSpec spec : signature.outputs()) {
        effective.addOutput(ModelOutput.newBuilder().setName(spec.name())
            .setDataType(io.sluice.proto.config.DataType.valueOf(spec.type().configName()))
            .addAllDims(dims(spec, skip)));
      }
    }
    return effective.build();
  }

  private static List<Long> dims(TensorSpec spec, int skip) {
    List<Long> dims = new ArrayList<>();
    for (int d = skip; d < spec.rank(); d++) {
      dims.add(spec.dim(d));
    }
    return dims;
  }

  private static void reconcile(List<TensorSpec> specs, String kind, String name, String configType,
      List<Long> configDims, int maxBatchSize) throws ModelLoadException {
    int index = indexOf(specs, name);
    if (index < 0) {
      throw new ModelLoadException("config.pbtxt: " + kind + " '" + name + "' is not in the ONNX model");
    }
    TensorSpec model = specs.get(index);
    DataType type = DataType.fromConfigName(configType);
    if (type != model.type()) {
      throw new ModelLoadException("config.pbtxt: " + kind + " '" + name + "' has data_type " + configType
          + " but the ONNX model has " + model.type().configName());
    }
    int batch = maxBatchSize > 0 ? 1 : 0;
    long[] expected = new long[configDims.size() + batch];
    if (batch == 1) {
      expected[0] = -1;
    }
    for (int d = 0; d < configDims.size(); d++) {
      expected[d + batch] = configDims.get(d);
    }
    if (expected.length != model.rank()) {
      throw new ModelLoadException("config.pbtxt: " + kind + " '" + name + "' has shape "
          + TensorShape.toString(expected) + " but the ONNX model has " + TensorShape.toString(model.shape()));
    }
    long[] merged = model.shape();
    for (int d = batch; d < expected.length; d++) {
      if (expected[d] >= 0 && merged[d] >= 0 && expected[d] != merged[d]) {
        throw new ModelLoadException("config.pbtxt: " + kind + " '" + name + "' has shape "
            + TensorShape.toString(expected) + " but the ONNX model has " + TensorShape.toString(model.shape()));
      }
      if (expected[d] >= 0) {
        merged[d] = expected[d];
      }
    }
    specs.set(index, new TensorSpec(name, type, merged));
  }

  private static int indexOf(List<TensorSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @FunctionalInterface
  private interface InfoSource {
    Map<String, NodeInfo> get() throws OrtException;
  }

  private static List<TensorSpec> specs(String kind, InfoSource source) throws ModelLoadException {
    Map<String, NodeInfo> infos;
    try {
      infos = source.get();
    } catch (OrtException e) {
      throw new ModelLoadException("the ONNX model's " + kind + "s cannot be read");
    }
    List<TensorSpec> specs = new ArrayList<>(infos.size());
    for (NodeInfo info : infos.values()) {
      if (!(info.getInfo() instanceof TensorInfo tensorInfo)) {
        throw new ModelLoadException(kind + " '" + info.getName() + "' is not a tensor");
      }
      DataType type = DataType.fromOnnx(tensorInfo.onnxType);
      if (type == null || !OrtTensors.supported(type)) {
        throw new ModelLoadException(kind + " '" + info.getName() + "' has element type " + tensorInfo.onnxType
            + ", which the server cannot carry");
      }
      long[] shape = tensorInfo.getShape();
      long[] normalized = Arrays.copyOf(shape, shape.length);
      for (int d = 0; d < normalized.length; d++) {
        if (normalized[d] < 0) {
          normalized[d] = -1;
        }
      }
      specs.add(new TensorSpec(info.getName(), type, normalized));
    }
    return specs;
  }
}
