package io.sluice.runtime.onnx;

import static io.sluice.runtime.onnx.OnnxModelBuilder.floatTensor;
import static io.sluice.runtime.onnx.OnnxModelBuilder.intAttribute;
import static io.sluice.runtime.onnx.OnnxModelBuilder.intsAttribute;

import io.sluice.proto.config.DataType;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.proto.config.ModelInput;
import io.sluice.proto.config.ModelOutput;
import io.sluice.proto.onnx.TensorProto;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic models for benchmarks, generated like the samples (nothing is downloaded): a small tabular
 * MLP (and a wide one, for comparison) and an image-sized convolutional classifier, with configs for running them with and without the
 * dynamic batcher. Weights are pseudo-random from a fixed seed: the numbers do not matter, the work does.
 */
public final class BenchmarkModels {
  /** Inputs of the tabular MLP. */
  public static final int MLP_FEATURES = 12;
  /** Image side of the convolutional model (3 x 64 x 64 inputs). */
  public static final int IMAGE_SIDE = 64;

  private static final int MLP_HIDDEN = 64;
  private static final int WIDE_HIDDEN = 1024;
  private static final int MLP_CLASSES = 3;
  private static final int CONV_CHANNELS = 16;
  private static final int IMAGE_CLASSES = 10;

  private BenchmarkModels() {}

  /**
   * The benchmark models by the name the JMH suites and the scripts use ({@code mlp}, {@code wide},
   * {@code image}): the model, its config, and the input one sample of it takes.
   */
  public enum Family {
    /** {@link #tabularMlp()}. */
    MLP,
    /** {@link #wideMlp()}. */
    WIDE,
    /** {@link #imageClassifier()}. */
    IMAGE;

    /**
     * The family named {@code id} ({@code mlp}, {@code wide} or {@code image}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Family of(String id) {
      for (Family family : values()) {
        if (family.id().equals(id)) {
          return family;
        }
      }
      throw new IllegalArgumentException("model: " + id + " (expected: mlp, wide or image)");
    }

    /** The family's name in benchmark parameters and model names: {@code mlp}, {@code wide}, {@code image}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The ONNX model's bytes. */
    public byte[] model() {
      return switch (this) {
        case MLP -> tabularMlp();
        case WIDE -> wideMlp();
        case IMAGE -> imageClassifier();
      };
    }

    /** A config named {@code name}: {@code max_batch_size} 64, dynamic batching on or off. */
    public ModelConfig config(String name, boolean dynamicBatching, int instances) {
      return this == IMAGE ? imageConfig(name, dynamicBatching, instances)
          : tabularConfig(name, dynamicBatching, instances);
    }

    /** The name of the model's only input. */
    public String input() {
      return this == IMAGE ? "image" : "features";
    }

    /** The shape of one sample of the input, without the batch dimension. */
    public long[] sampleShape() {
      return this == IMAGE ? new long[] {3, IMAGE_SIDE, IMAGE_SIDE} : new long[] {MLP_FEATURES};
    }
  }

  /** {@code features} FP32 [batch, 12] -> Gemm(64) -> Relu -> Gemm(3) -> Softmax -> {@code probabilities}. */
  public static byte[] tabularMlp() {
    return mlp("tabular_mlp", MLP_HIDDEN);
  }

  /**
   * A heavier tabular model, for comparison: {@code features} FP32 [batch, 12] -> Gemm(1024) -> Relu ->
   * Gemm(1024) -> Relu -> Gemm(3) -> Softmax -> {@code probabilities} (about a million weights, so a run's cost
   * is arithmetic rather than per-run overhead). Served with {@link #tabularConfig}.
   */
  public static byte[] wideMlp() {
    return mlp("wide_mlp", WIDE_HIDDEN, WIDE_HIDDEN);
  }

  /** An MLP over the 12 features with Relu after each hidden layer of the given widths, softmax over 3 classes. */
  private static byte[] mlp(String name, int... hidden) {
    SplittableRandom random = new SplittableRandom(12);
    OnnxModelBuilder graph = OnnxModelBuilder.graph(name)
        .input("features", TensorProto.DataType.FLOAT, -1, MLP_FEATURES);
    String previous = "features";
    int width = MLP_FEATURES;
    for (int layer = 1; layer <= hidden.length + 1; layer++) {
      boolean last = layer > hidden.length;
      int next = last ? MLP_CLASSES : hidden[layer - 1];
      String output = last ? "logits" : "hidden" + layer;
      graph.initializer(floatTensor("w" + layer, new long[] {width, next}, weights(random, width * next)))
          .initializer(floatTensor("b" + layer, new long[] {next}, weights(random, next)))
          .node("Gemm", List.of(previous, "w" + layer, "b" + layer), List.of(output));
      if (!last) {
        previous = "activated" + layer;
        graph.node("Relu", List.of(output), List.of(previous));
      }
      width = next;
    }
    return graph.node("Softmax", List.of("logits"), List.of("probabilities"), intAttribute("axis", 1))
        .output("probabilities", TensorProto.DataType.FLOAT, -1, MLP_CLASSES)
        .toByteArray();
  }

  /**
   * {@code image} FP32 [batch, 3, 64, 64] -> Conv 3x3 (16 channels, padded) -> Relu -> GlobalAveragePool ->
   * Flatten -> Gemm(10) -> Softmax -> {@code probabilities}.
   */
  public static byte[] imageClassifier() {
    SplittableRandom random = new SplittableRandom(64);
    return OnnxModelBuilder.graph("image_classifier")
        .input("image", TensorProto.DataType.FLOAT, -1, 3, IMAGE_SIDE, IMAGE_SIDE)
        .initializer(floatTensor("kernel", new long[] {CONV_CHANNELS, 3, 3, 3}, weights(random, CONV_CHANNELS * 27)))
        .initializer(floatTensor("kernel_bias", new long[] {CONV_CHANNELS}, weights(random, CONV_CHANNELS)))
        .initializer(floatTensor("w", new long[] {CONV_CHANNELS, IMAGE_CLASSES},
            weights(random, CONV_CHANNELS * IMAGE_CLASSES)))
        .initializer(floatTensor("b", new long[] {IMAGE_CLASSES}, weights(random, IMAGE_CLASSES)))
        .node("Conv", List.of("image", "kernel", "kernel_bias"), List.of("conv"), intsAttribute("pads", 1, 1, 1, 1))
        .node("Relu", List.of("conv"), List.of("activated"))
        .node("GlobalAveragePool", List.of("activated"), List.of("pooled"))
        .node("Flatten", List.of("pooled"), List.of("flat"), intAttribute("axis", 1))
        .node("Gemm", List.of("flat", "w", "b"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("probabilities"), intAttribute("axis", 1))
        .output("probabilities", TensorProto.DataType.FLOAT, -1, IMAGE_CLASSES)
        .toByteArray();
  }

  /** A config for the MLP: batching models with {@code max_batch_size} 64, dynamic batching on or off. */
  public static ModelConfig tabularConfig(String name, boolean dynamicBatching, int instances) {
    return config(name, "features", List.of((long) MLP_FEATURES), MLP_CLASSES, dynamicBatching, instances);
  }

  /** A config for the image model, like {@link #tabularConfig}. */
  public static ModelConfig imageConfig(String name, boolean dynamicBatching, int instances) {
    return config(name, "image", List.of(3L, (long) IMAGE_SIDE, (long) IMAGE_SIDE), IMAGE_CLASSES,
        dynamicBatching, instances);
  }

  private static ModelConfig config(String name, String input, List<Long> dims, int classes, boolean batching,
      int instances) {
    ModelConfig.Builder config = ModelConfig.newBuilder()
        .setName(name)
        .setPlatform("onnxruntime_onnx")
        .setMaxBatchSize(64)
        .addInput(ModelInput.newBuilder().setName(input).setDataType(DataType.TYPE_FP32).addAllDims(dims))
        .addOutput(ModelOutput.newBuilder().setName("probabilities").setDataType(DataType.TYPE_FP32)
            .addDims(classes))
        .addInstanceGroup(io.sluice.proto.config.ModelInstanceGroup.newBuilder().setCount(instances)
            .setKind(io.sluice.proto.config.ModelInstanceGroup.Kind.KIND_CPU));
    if (batching) {
      config.setDynamicBatching(ModelDynamicBatching.newBuilder().setMaxQueueDelayMicroseconds(500));
    }
    return config.build();
  }

  private static float[] weights(SplittableRandom random, int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble() - 0.5);
    }
    return values;
  }
}
