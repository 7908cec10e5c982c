package io.sluice.gateway.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelInferResponse.InferOutputTensor;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes an {@link InferenceResponse} as a {@link ModelInferResponse}: every output as an
 * {@code InferOutputTensor} (name, datatype, shape) plus its bytes in {@code raw_output_contents}, aligned
 * with {@code outputs}; BYTES outputs keep their 4-byte length prefixes, as tritonclient expects. Typed
 * {@code contents} are never filled.
 *
 * <p>Stateless and thread-safe. Runs on the inference worker that completed the request.
 */
final class InferResponseConverter {
  private InferResponseConverter() {}

  static ModelInferResponse convert(InferenceResponse response) {
    List<Tensor> outputs = response.outputs();
    ModelInferResponse.Builder message = ModelInferResponse.newBuilder()
        .setModelName(response.modelName())
        .setModelVersion(response.modelVersion())
        .setId(response.id());
    for (int i = 0; i < outputs.size(); i++) {
      Tensor tensor = outputs.get(i);
      InferOutputTensor.Builder output = InferOutputTensor.newBuilder()
          .setName(tensor.name())
          .setDatatype(tensor.type().wireName());
      for (int d = 0; d < tensor.rank(); d++) {
        output.addShape(tensor.dim(d));
      }
      message.addOutputs(output);
      message.addRawOutputContents(bytes(tensor));
    }
    return message.build();
  }

  /**
   * The tensor's bytes as a {@link ByteString}. A heap buffer is wrapped without copying (tensors are
   * immutable by contract); a direct buffer is copied once, so the message does not depend on memory the
   * runtime may free.
   */
  static ByteString bytes(Tensor tensor) {
    ByteBuffer data = tensor.data();
    if (data.hasArray()) {
      return UnsafeByteOperations.unsafeWrap(data.array(), data.arrayOffset() + data.position(),
          data.remaining());
    }
    return ByteString.copyFrom(data);
  }
}
