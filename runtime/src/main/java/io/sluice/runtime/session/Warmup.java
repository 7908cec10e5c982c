package io.sluice.runtime.session;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelWarmup;
import io.sluice.runtime.exec.ModelExecutor;
import io.sluice.runtime.exec.RunGuard;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a version before it becomes routable, so its first real request does not pay for lazy
 * initialization. With {@code model_warmup} in the config, each entry runs {@code count} times and a failure
 * fails the load (as in Triton). Without it, one request of zeros at batch 1 runs and a failure is only
 * logged (some models reject zeros).
 *
 * <p>The warm-up runs on the executor that will serve the version, so what its runs find out stays: a model whose
 * outputs contradict their declared shapes stops pinning outputs here ({@link OnnxRunner}), not on its first
 * real request. {@link ModelExecutor#execute} records no statistics, so warm-up runs are not counted.
 */
final class Warmup {
  private static final System.Logger LOG = System.getLogger(Warmup.class.getName());
  private static final long MAX_WARMUP_ELEMENTS = 1 << 24;

  private Warmup() {}

  static void run(String modelName, ModelConfig config, ModelSignature signature, ModelExecutor executor)
      throws ModelLoadException {
    if (config != null && config.getModelWarmupCount() > 0) {
      for (ModelWarmup warmup : config.getModelWarmupList()) {
        List<Tensor> inputs = configured(warmup, signature);
        int count = Math.max(1, warmup.getCount());
        for (int i = 0; i < count; i++) {
          try {
            executor.execute(inputs, executor.outputNames(), RunGuard.NONE);
          } catch (RuntimeException e) {
            throw new ModelLoadException("warmup '" + warmup.getName() + "' failed: " + e.getMessage());
          }
        }
      }
      return;
    }
    try {
      executor.execute(zeros(signature), executor.outputNames(), RunGuard.NONE);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.INFO, "model {0}: default warm-up with zeros failed ({1}); continuing",
          modelName, e.getMessage());
    }
  }

  private static List<Tensor> zeros(ModelSignature signature) {
    List<Tensor> inputs = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      long[] shape = spec.shape();
      for (int d = 0; d < shape.length; d++) {
        shape[d] = shape[d] < 0 ? 1 : shape[d];
      }
      inputs.add(filled(spec.name(), spec.type(), shape, false));
    }
    return inputs;
  }

  private static List<Tensor> configured(ModelWarmup warmup, ModelSignature signature)
      throws ModelLoadException {
    List<Tensor> inputs = new ArrayList<>();
    for (Map.Entry<String, ModelWarmup.Input> entry : warmup.getInputsMap().entrySet()) {
      ModelWarmup.Input input = entry.getValue();
      DataType type = DataType.fromConfigName(input.getDataType().name());
      if (type == null) {
        throw new ModelLoadException("warmup '" + warmup.getName() + "': input '" + entry.getKey()
            + "' has no data_type");
      }
      int batch = signature.maxBatchSize() > 0 ? 1 : 0;
      long[] shape = new long[input.getDimsCount() + batch];
      if (batch == 1) {
        shape[0] = Math.max(1, warmup.getBatchSize());
      }
      for (int d = 0; d < input.getDimsCount(); d++) {
        shape[d + batch] = input.getDims(d);
      }
      if (input.getInputDataTypeCase() == ModelWarmup.Input.InputDataTypeCase.INPUT_DATA_FILE) {
        throw new ModelLoadException("warmup '" + warmup.getName()
            + "': input_data_file is not supported; use zero_data or random_data");
      }
      try {
        if (TensorShape.elementCount(entry.getKey(), shape) > MAX_WARMUP_ELEMENTS) {
          throw new ModelLoadException("warmup '" + warmup.getName() + "': input '" + entry.getKey()
              + "' is larger than " + MAX_WARMUP_ELEMENTS + " elements");
        }
      } catch (RuntimeException e) {
        throw new ModelLoadException("warmup '" + warmup.getName() + "': " + e.getMessage());
      }
      boolean random = input.getInputDataTypeCase() == ModelWarmup.Input.InputDataTypeCase.RANDOM_DATA;
      inputs.add(filled(entry.getKey(), type, shape, random));
    }
    return inputs;
  }

  private static Tensor filled(String name, DataType type, long[] shape, boolean random) {
    int elements = (int) TensorShape.elementCount(name, shape);
    SplittableRandom generator = new SplittableRandom(42);
    if (type == DataType.BYTES) {
      String[] strings = new String[elements];
      for (int i = 0; i < elements; i++) {
        strings[i] = random ? Integer.toString(generator.nextInt(1000)) : "";
      }
      return Tensors.ofStrings(name, shape, strings);
    }
    ByteBuffer data = Tensors.allocate(TensorShape.byteSize(name, type, elements));
    if (random) {
      for (int i = 0; i < elements; i++) {
        putRandom(data, type, generator);
      }
      data.flip();
    }
    return Tensors.fromRaw(name, type, shape, data.rewind());
  }

  private static void putRandom(ByteBuffer data, DataType type, SplittableRandom generator) {
    switch (type) {
      case FP32:
        data.putFloat((float) generator.nextDouble());
        break;
      case FP64:
        data.putDouble(generator.nextDouble());
        break;
      case FP16:
        data.putShort((short) 0x3800); // 0.5
        break;
      case BF16:
        data.putShort((short) 0x3F00); // 0.5
        break;
      case BOOL:
        data.put((byte) generator.nextInt(2));
        break;
      default:
        for (int b = 0; b < type.byteSize(); b++) {
          data.put((byte) generator.nextInt(16));
        }
    }
  }
}
