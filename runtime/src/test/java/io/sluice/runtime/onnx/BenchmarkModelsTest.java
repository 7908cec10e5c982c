package io.sluice.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sluice.proto.config.ModelConfig;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkModelsTest {
  private static float[] run(byte[] model, String input, long[] shape) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long elements = 1;
    for (long dim : shape) {
      elements *= dim;
    }
    FloatBuffer data = FloatBuffer.allocate((int) elements);
    for (int i = 0; i < elements; i++) {
      data.put(i, (i % 7) / 7f);
    }
    try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
        OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer().array();
    }
  }

  @Test
  void modelsRunAndProduceOneProbabilityDistributionPerRow() throws Exception {
    float[] tabular = run(BenchmarkModels.tabularMlp(), "features", new long[] {5, BenchmarkModels.MLP_FEATURES});
    assertThat(tabular).hasSize(15);
    assertThat(tabular[0] + tabular[1] + tabular[2]).isCloseTo(1f, within(1e-5f));
    float[] wide = run(BenchmarkModels.wideMlp(), "features", new long[] {5, BenchmarkModels.MLP_FEATURES});
    assertThat(wide).hasSize(15);
    assertThat(wide[12] + wide[13] + wide[14]).isCloseTo(1f, within(1e-5f));
    float[] image = run(BenchmarkModels.imageClassifier(), "image",
        new long[] {2, 3, BenchmarkModels.IMAGE_SIDE, BenchmarkModels.IMAGE_SIDE});
    assertThat(image).hasSize(20);
    float sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += image[i];
    }
    assertThat(sum).isCloseTo(1f, within(1e-5f));
  }

  @Test
  void aFamilyNamesItsModelConfigAndInput() throws Exception {
    assertThat(BenchmarkModels.Family.of("wide")).isEqualTo(BenchmarkModels.Family.WIDE);
    assertThatThrownBy(() -> BenchmarkModels.Family.of("resnet")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model: resnet (expected: mlp, wide or image)");
    for (BenchmarkModels.Family family : BenchmarkModels.Family.values()) {
      ModelConfig config = family.config(family.id() + "_batched", true, 2);
      assertThat(config.getInput(0).getName()).isEqualTo(family.input());
      assertThat(config.getInput(0).getDimsList()).containsExactly(
          java.util.Arrays.stream(family.sampleShape()).boxed().toArray(Long[]::new));
      long[] shape = new long[family.sampleShape().length + 1];
      shape[0] = 2;
      System.arraycopy(family.sampleShape(), 0, shape, 1, shape.length - 1);
      assertThat(run(family.model(), family.input(), shape)).as(family.id()).hasSize(2 * (int) config.getOutput(0)
          .getDims(0));
    }
  }

  @Test
  void configsTurnTheBatcherOnAndOff() {
    assertThat(BenchmarkModels.tabularConfig("t", true, 2).hasDynamicBatching()).isTrue();
    assertThat(BenchmarkModels.tabularConfig("t", false, 2).hasDynamicBatching()).isFalse();
    assertThat(BenchmarkModels.imageConfig("i", false, 1).getInput(0).getDimsList()).containsExactly(3L, 64L, 64L);
  }
}
