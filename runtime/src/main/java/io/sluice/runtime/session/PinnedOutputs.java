package io.sluice.runtime.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.OrtTensors;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Output tensors allocated before a run, so ONNX Runtime writes the outputs straight into the direct buffers the
 * response is encoded from: without them its Java binding copies every output into a heap buffer, which Sluice
 * then copies into a direct one. Only outputs whose shape is known before the run are pinned: numeric ones
 * whose signature dimensions are all fixed once the batch dimension takes the request's batch size. Others
 * (BYTES, data-dependent dimensions) are left to ONNX Runtime as before.
 *
 * <p>One per run, on the worker thread; {@link #close()} releases the ONNX Runtime wrappers, never the buffers,
 * which the response owns.
 */
final class PinnedOutputs implements AutoCloseable {
  /** No output pinned. */
  static final PinnedOutputs NONE = new PinnedOutputs(new Tensor[0], 0, Map.of());

  private static final long MAX_PINNED_BYTES = Integer.MAX_VALUE - 8;

  // the pinned outputs in [0, count): a few per model, so found by a scan rather than a second map per run
  private final Tensor[] tensors;
  private final int count;
  /** The same outputs as ONNX Runtime values, by name: what {@code session.run} takes. */
  private final Map<String, OnnxTensor> values;

  private PinnedOutputs(Tensor[] tensors, int count, Map<String, OnnxTensor> values) {
    this.tensors = tensors;
    this.count = count;
    this.values = values;
  }

  /**
   * The outputs of {@code signature} whose shape is known before a run, once the batch dimension (when the
   * model batches) takes the request's batch size: numeric types and no other variable dimension. Computed once
   * per loaded version.
   */
  static List<TensorSpec> pinnable(ModelSignature signature) {
    boolean batched = signature.maxBatchSize() > 0;
    List<TensorSpec> pinnable = new ArrayList<>();
    for (TensorSpec spec : signature.outputs()) {
      if (spec.type() == DataType.BYTES || !OrtTensors.supported(spec.type())) {
        continue;
      }
      boolean fixed = true;
      for (int i = 0; i < spec.rank(); i++) {
        fixed &= spec.dim(i) >= 0 || (i == 0 && batched);
      }
      if (fixed) {
        pinnable.add(spec);
      }
    }
    return List.copyOf(pinnable);
  }

  /**
   * Allocates the {@code pinnable} outputs (from {@link #pinnable}) among {@code names}, with the batch size of
   * {@code inputs} in place of a variable batch dimension.
   */
  static PinnedOutputs allocate(OrtEnvironment environment, List<TensorSpec> pinnable, List<Tensor> inputs,
      List<String> names) throws OrtException {
    long batch = !inputs.isEmpty() && inputs.get(0).rank() > 0 ? inputs.get(0).dim(0) : -1;
    Tensor[] tensors = null;
    int count = 0;
    Map<String, OnnxTensor> values = null;
    try {
      for (TensorSpec spec : pinnable) {
        if (!names.contains(spec.name())) {
          continue;
        }
        long[] shape = spec.shape();
        if (shape.length > 0 && shape[0] < 0) {
          if (batch <= 0) {
            continue;
          }
          shape[0] = batch;
        }
        long bytes = bytes(shape, spec.type());
        if (bytes < 0) {
          continue;
        }
        Tensor tensor = Tensor.of(spec.name(), spec.type(), shape, Tensors.allocate((int) bytes));
        if (tensors == null) {
          tensors = new Tensor[pinnable.size()];
          values = new HashMap<>(4);
        }
        values.put(spec.name(), OrtTensors.toOnnx(environment, tensor));
        tensors[count++] = tensor;
      }
    } catch (OrtException | RuntimeException e) {
      if (values != null) {
        values.values().forEach(OnnxTensor::close);
      }
      throw e;
    }
    return tensors == null ? NONE : new PinnedOutputs(tensors, count, values);
  }

  /** Bytes of a tensor of {@code shape}, or -1 when too large to pin. */
  private static long bytes(long[] shape, DataType type) {
    long bytes = type.byteSize();
    for (long dim : shape) {
      if (dim != 0 && bytes > MAX_PINNED_BYTES / dim) {
        return -1;
      }
      bytes *= dim;
    }
    return bytes;
  }

  boolean isEmpty() {
    return count == 0;
  }

  boolean contains(String name) {
    return tensor(name) != null;
  }

  /** The pinned output {@code name} (filled once the run returned), or null when it is not pinned. */
  Tensor tensor(String name) {
    for (int i = 0; i < count; i++) {
      if (tensors[i].name().equals(name)) {
        return tensors[i];
      }
    }
    return null;
  }

  /** The ONNX Runtime values to pass to {@code run} as pinned outputs. */
  Map<String, OnnxTensor> values() {
    return values;
  }

  @Override
  public void close() {
    for (OnnxTensor value : values.values()) {
      value.close();
    }
  }
}
