package io.sluice.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import io.sluice.runtime.session.OnnxEnvironment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class OrtTensorsTest {
  private final OrtEnvironment environment = OnnxEnvironment.get();

  @Test
  void anOutputIsReadWithTheOneCopyOnnxRuntimesJavaApiMakes() throws Exception {
    float[] values = {1.5f, -2f, 3.25f, 0f, 7f, -0.5f};
    try (OnnxTensor onnx = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), new long[] {2, 3})) {
      Tensor tensor = OrtTensors.fromOnnx("y", onnx);

      assertThat(tensor.shape()).containsExactly(2, 3);
      assertThat(tensor.type()).isEqualTo(DataType.FP32);
      assertThat(Tensors.toFloats(tensor)).containsExactly(values);
      // the binding's heap copy is used as it is, not copied again into a direct buffer
      assertThat(tensor.data().isDirect()).isFalse();
      assertThat(tensor.data().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }
  }

  @Test
  void aHeapOutputGoesBackIntoOnnxRuntimeAsAnInput() throws Exception {
    float[] values = {4f, 5f};
    Tensor heap;
    try (OnnxTensor onnx = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), new long[] {1, 2})) {
      heap = OrtTensors.fromOnnx("x", onnx);
    }
    try (OnnxTensor again = OrtTensors.toOnnx(environment, heap)) {
      ByteBuffer bytes = again.getByteBuffer().order(ByteOrder.nativeOrder());
      assertThat(bytes.getFloat(0)).isEqualTo(4f);
      assertThat(bytes.getFloat(4)).isEqualTo(5f);
    }
  }
}
