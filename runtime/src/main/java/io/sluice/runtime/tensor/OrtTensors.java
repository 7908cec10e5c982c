package io.sluice.runtime.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.sluice.runtime.exec.InferenceException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between {@link Tensor} and ONNX Runtime's {@link OnnxTensor}. Numeric inputs are handed over as
 * direct little-endian buffers, which ONNX Runtime's Java binding uses without copying.
 */
public final class OrtTensors {
  private OrtTensors() {}

  /** Whether ONNX Runtime's Java API can create and read tensors of {@code type}. */
  public static boolean supported(DataType type) {
    return type != DataType.UINT16 && type != DataType.UINT32 && type != DataType.UINT64;
  }

  /**
   * An ONNX Runtime tensor over {@code tensor}'s bytes. The caller closes it after the run; the tensor's
   * buffer must stay untouched until then.
   */
  public static OnnxTensor toOnnx(OrtEnvironment environment, Tensor tensor) throws OrtException {
    // the tensor's own shape and buffer, no copies per run: ONNX Runtime never moves the buffer's position or
    // limit, nor writes the shape (it writes a pinned output's bytes, which is what that buffer is for)
    long[] shape = tensor.sharedShape();
    if (tensor.type() == DataType.BYTES) {
      return OnnxTensor.createTensor(environment, Tensors.toStrings(tensor), shape);
    }
    ByteBuffer data = tensor.sharedData();
    if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
      ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
      direct.put(data.duplicate()).flip(); // the shared buffer's position stays where it is
      data = direct;
    }
    return OnnxTensor.createTensor(environment, data, shape, javaType(tensor.name(), tensor.type()));
  }

  /**
   * The protocol tensor named {@code name} holding a copy of {@code value}'s elements (a heap buffer for
   * numeric types: the one copy out of ONNX Runtime's memory that its Java API makes).
   */
  public static Tensor fromOnnx(String name, OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor onnxTensor)) {
      throw InferenceException.internal("output '" + name + "' is not a tensor");
    }
    TensorInfo info = onnxTensor.getInfo();
    DataType type = DataType.fromOnnx(info.onnxType);
    if (type == null || !supported(type)) {
      throw InferenceException.internal("output '" + name + "' has an element type the protocol cannot carry");
    }
    long[] shape = info.getShape();
    if (type == DataType.BYTES) {
      String[] flat = new String[Math.toIntExact(info.getNumElements())];
      flatten(onnxTensor.getValue(), flat, 0);
      return Tensors.ofStrings(name, shape, flat);
    }
    // getByteBuffer is already a copy of ONNX Runtime's memory, on the heap and owned by us; outputs only go
    // to the transports' encoders, which read heap and direct buffers alike, so no second copy.
    return Tensor.of(name, type, shape, onnxTensor.getByteBuffer());
  }

  /** Copies a (possibly nested) String array into {@code into}, row-major; returns the next free index. */
  private static int flatten(Object value, String[] into, int next) {
    if (value instanceof String string) {
      into[next] = string;
      return next + 1;
    }
    if (value instanceof String[] strings) {
      System.arraycopy(strings, 0, into, next, strings.length);
      return next + strings.length;
    }
    int length = Array.getLength(value);
    for (int i = 0; i < length; i++) {
      next = flatten(Array.get(value, i), into, next);
    }
    return next;
  }

  private static OnnxJavaType javaType(String name, DataType type) {
    switch (type) {
      case BOOL:
        return OnnxJavaType.BOOL;
      case UINT8:
        return OnnxJavaType.UINT8;
      case INT8:
        return OnnxJavaType.INT8;
      case INT16:
        return OnnxJavaType.INT16;
      case INT32:
        return OnnxJavaType.INT32;
      case INT64:
        return OnnxJavaType.INT64;
      case FP16:
        return OnnxJavaType.FLOAT16;
      case BF16:
        return OnnxJavaType.BFLOAT16;
      case FP32:
        return OnnxJavaType.FLOAT;
      case FP64:
        return OnnxJavaType.DOUBLE;
      default:
        throw new InferenceException(io.sluice.runtime.exec.ErrorCode.UNIMPLEMENTED,
            "input '" + name + "': datatype " + type.wireName() + " is not supported by ONNX Runtime's Java API");
    }
  }
}
