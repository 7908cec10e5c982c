package io.sluice.gateway.grpc;

import static io.sluice.runtime.exec.InferenceException.quoted;

import com.google.protobuf.ByteString;
import io.sluice.proto.inference.InferParameter;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferRequest.InferInputTensor;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a {@link ModelInferRequest} into an {@link InferenceRequest}: each input from either its entry of
 * {@code raw_input_contents} or its typed {@code contents}, never both. Every size is checked with exact
 * arithmetic before a tensor buffer is allocated; each input's bytes are copied exactly once, into the direct
 * buffer handed to ONNX Runtime. Names and datatypes are checked against the model later, by the dispatcher.
 * A {@code contents} message without elements next to raw contents counts as absent (some clients always set
 * it); any typed element next to raw contents is INVALID_ARGUMENT. The request's {@code timeout} parameter
 * (microseconds) becomes the request's queue timeout.
 *
 * <p>Stateless and thread-safe.
 */
final class InferRequestConverter {
  private InferRequestConverter() {}

  /**
   * @param receivedNanos {@link System#nanoTime()} when the call started
   * @throws InferenceException INVALID_ARGUMENT naming the input and what was expected
   */
  static InferenceRequest convert(ModelInferRequest request, long receivedNanos) {
    return convert(request, receivedNanos, null);
  }

  /**
   * As above, with the canary routing hints of the call's metadata.
   *
   * @param routing the call's {@code x-sluice-routing-key} and {@code x-sluice-version}, or null for none
   */
  static InferenceRequest convert(ModelInferRequest request, long receivedNanos,
      InferenceGrpcService.Routing routing) {
    int inputCount = request.getInputsCount();
    int rawCount = request.getRawInputContentsCount();
    if (rawCount > 0 && rawCount != inputCount) {
      throw InferenceException.invalid(rawCount + " raw_input_contents for " + inputCount
          + " inputs (expected: one per input, in input order)");
    }
    List<Tensor> inputs = new ArrayList<>(inputCount);
    for (int i = 0; i < inputCount; i++) {
      InferInputTensor input = request.getInputs(i);
      String name = input.getName();
      DataType type = DataType.fromWireName(input.getDatatype());
      if (type == null) {
        throw InferenceException.invalid("input " + quoted(name) + ": unknown datatype "
            + quoted(input.getDatatype()));
      }
      long[] shape = shape(input);
      if (rawCount > 0) {
        if (input.hasContents() && !TypedContents.isEmpty(input.getContents())) {
          throw InferenceException.invalid("input " + quoted(name)
              + ": typed contents and raw_input_contents in one request (expected: one or the other)");
        }
        inputs.add(fromRaw(name, type, shape, request.getRawInputContents(i)));
      } else {
        inputs.add(TypedContents.toTensor(name, type, shape, input.getContents()));
      }
    }
    int outputCount = request.getOutputsCount();
    List<String> outputs = new ArrayList<>(outputCount);
    for (int i = 0; i < outputCount; i++) {
      outputs.add(request.getOutputs(i).getName());
    }
    return new InferenceRequest(request.getModelName(), request.getModelVersion(), request.getId(), inputs,
        outputs, receivedNanos, InferenceRequest.NO_DEADLINE, timeoutNanos(request), null,
        routing == null ? null : routing.key(), routing == null ? null : routing.pin());
  }

  /**
   * The request's {@code timeout} parameter (Triton's queue timeout in microseconds: {@code int64_param}, or
   * {@code uint64_param}) in nanoseconds; 0 when absent.
   */
  static long timeoutNanos(ModelInferRequest request) {
    if (request.getParametersCount() == 0) {
      return 0;
    }
    InferParameter timeout = request.getParametersMap().get("timeout");
    if (timeout == null) {
      return 0;
    }
    switch (timeout.getParameterChoiceCase()) {
      case INT64_PARAM:
        return InferenceRequest.timeoutParameter(timeout.getInt64Param());
      case UINT64_PARAM:
        long micros = timeout.getUint64Param();
        // an unsigned value past Long.MAX_VALUE reads as negative: that long is "no limit" in practice
        return micros < 0 ? Long.MAX_VALUE : InferenceRequest.timeoutParameter(micros);
      default:
        throw InferenceException.invalid("parameter 'timeout' must be an int64_param (expected: microseconds"
            + " >= 0)");
    }
  }

  private static long[] shape(InferInputTensor input) {
    int rank = input.getShapeCount();
    if (rank > TensorShape.MAX_RANK) {
      throw InferenceException.invalid("input " + quoted(input.getName()) + ": rank " + rank + " (expected: <= "
          + TensorShape.MAX_RANK + ")");
    }
    long[] shape = new long[rank];
    for (int d = 0; d < rank; d++) {
      shape[d] = input.getShape(d);
    }
    return shape;
  }

  /** One copy: the message's bytes into a direct buffer, after the size is known to fit the shape. */
  private static Tensor fromRaw(String name, DataType type, long[] shape, ByteString raw) {
    long elements = TensorShape.elementCount(name, shape);
    if (type != DataType.BYTES) {
      // Reject before allocating; BYTES prefixes are walked by Tensors.fromRaw over the copy, whose size is
      // what the client actually sent (bounded by the message limit), never a declared length.
      int expected = TensorShape.byteSize(name, type, elements);
      if (raw.size() != expected) {
        throw InferenceException.invalid("input " + quoted(name) + ": " + raw.size() + " bytes in raw_input_contents"
            + " for shape " + TensorShape.toString(shape) + " of " + type.wireName() + " (expected: "
            + expected + " bytes)");
      }
    }
    ByteBuffer direct = Tensors.allocate(raw.size());
    raw.copyTo(direct);
    direct.flip();
    return Tensors.fromRaw(name, type, shape, direct);
  }
}
