package io.sluice.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/** Sessions from model bytes and direct-buffer tensors, for the tests of generated models. */
final class OrtTestSupport {
  static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

  private OrtTestSupport() {}

  static OrtSession session(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      return ENVIRONMENT.createSession(model, options);
    }
  }

  static TensorInfo tensorInfo(Map<String, NodeInfo> infos, String name) {
    ValueInfo info = infos.get(name).getInfo();
    if (!(info instanceof TensorInfo tensorInfo)) {
      throw new AssertionError(name + " is not a tensor: " + info);
    }
    return tensorInfo;
  }

  static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  static OnnxTensor floats(long[] shape, float... values) throws OrtException {
    ByteBuffer buffer = direct(values.length * Float.BYTES);
    buffer.asFloatBuffer().put(values);
    return OnnxTensor.createTensor(ENVIRONMENT, buffer, shape, OnnxJavaType.FLOAT);
  }

  static OnnxTensor longs(long[] shape, long... values) throws OrtException {
    ByteBuffer buffer = direct(values.length * Long.BYTES);
    buffer.asLongBuffer().put(values);
    return OnnxTensor.createTensor(ENVIRONMENT, buffer, shape, OnnxJavaType.INT64);
  }

  static float[] floatsOf(OnnxTensor tensor) {
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  static long[] longsOf(OnnxTensor tensor) {
    LongBuffer buffer = tensor.getLongBuffer();
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }
}
