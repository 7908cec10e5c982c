package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureLayoutTest {
  /** Records every observation as "feature=value". */
  static final class Recorder implements FeatureSink {
    final List<List<Object>> byFeature = new ArrayList<>();

    Recorder(int features) {
      for (int i = 0; i < features; i++) {
        byFeature.add(new ArrayList<>());
      }
    }

    @Override
    public void number(int feature, double value) {
      byFeature.get(feature).add(value);
    }

    @Override
    public void category(int feature, String key) {
      byFeature.get(feature).add(key);
    }
  }

  private static TensorSpec spec(String name, DataType type, long... shape) {
    return new TensorSpec(name, type, shape);
  }

  private static List<String> names(FeatureLayout layout) {
    List<String> names = new ArrayList<>();
    for (FeatureDefinition feature : layout.features()) {
      names.add(feature.name());
    }
    return names;
  }

  private static Recorder extract(FeatureLayout layout, Tensor... tensors) {
    Recorder recorder = new Recorder(layout.size());
    List<InputValues> values = new ArrayList<>();
    for (Tensor tensor : tensors) {
      values.add(new TensorValues(tensor));
    }
    assertThat(layout.extract(values, recorder)).isZero();
    return recorder;
  }

  @Test
  void tabularColumnsAreFeaturesAndRowsAreObservations() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("x", DataType.FP32, -1, 3)), 8);
    assertThat(names(layout)).containsExactly("x[0]", "x[1]", "x[2]");
    Recorder recorder = extract(layout, Tensors.ofFloats("x", new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
    assertThat(recorder.byFeature.get(0)).containsExactly(1.0, 4.0);
    assertThat(recorder.byFeature.get(1)).containsExactly(2.0, 5.0);
    assertThat(recorder.byFeature.get(2)).containsExactly(3.0, 6.0);
  }

  @Test
  void rankOneIsColumnsWithoutBatchingAndABatchOfScalarsWithIt() {
    FeatureLayout unbatched = FeatureLayout.of(List.of(spec("v", DataType.FP32, 2)), 0);
    assertThat(names(unbatched)).containsExactly("v[0]", "v[1]");
    FeatureLayout batched = FeatureLayout.of(List.of(spec("v", DataType.INT64, -1)), 4);
    assertThat(names(batched)).containsExactly("v");
    Recorder recorder = extract(batched, Tensors.ofLongs("v", new long[] {3}, 7, 8, 9));
    assertThat(recorder.byFeature.get(0)).containsExactly(7.0, 8.0, 9.0);
    FeatureLayout scalar = FeatureLayout.of(List.of(spec("s", DataType.FP32)), 0);
    assertThat(names(scalar)).containsExactly("s");
  }

  @Test
  void imagesAreSummarizedPerChannel() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("image", DataType.FP32, -1, 2, 2, 2)), 4);
    assertThat(names(layout)).containsExactly("image.c0.mean", "image.c0.std", "image.c1.mean", "image.c1.std");
    // one image: channel 0 = {1, 3, 5, 7}, channel 1 = {2, 2, 2, 2}
    Recorder recorder = extract(layout, Tensors.ofFloats("image", new long[] {1, 2, 2, 2}, 1, 3, 5, 7, 2, 2, 2, 2));
    assertThat(recorder.byFeature.get(0)).containsExactly(4.0);
    assertThat((double) recorder.byFeature.get(1).get(0)).isCloseTo(Math.sqrt(5), within(1e-12));
    assertThat(recorder.byFeature.get(2)).containsExactly(2.0);
    assertThat(recorder.byFeature.get(3)).containsExactly(0.0);
  }

  @Test
  void sequencesAreSummarizedWithTheirLength() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("tokens", DataType.INT64, -1, -1)), 4);
    assertThat(names(layout)).containsExactly("tokens.mean", "tokens.std", "tokens.length");
    Recorder recorder = extract(layout, Tensors.ofLongs("tokens", new long[] {2, 3}, 1, 2, 3, 10, 10, 10));
    assertThat(recorder.byFeature.get(0)).containsExactly(2.0, 10.0);
    assertThat(recorder.byFeature.get(2)).containsExactly(3.0, 3.0);

    FeatureLayout embeddings = FeatureLayout.of(List.of(spec("e", DataType.FP32, -1, -1, 32)), 0);
    assertThat(names(embeddings)).containsExactly("e.mean", "e.std", "e.length");
    Recorder lengths = extract(embeddings, Tensors.ofFloats("e", new long[] {1, 5, 32}, new float[160]));
    assertThat(lengths.byFeature.get(2)).containsExactly(5.0); // the variable dimension only

    FeatureLayout wide = FeatureLayout.of(List.of(spec("w", DataType.FP32, 1, 1000)), 0);
    assertThat(names(wide)).containsExactly("w.mean", "w.std");
  }

  @Test
  void stringsAreCategoriesAndLongStringsTheirLengthBucket() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("text", DataType.BYTES, -1, 1),
        spec("tags", DataType.BYTES, -1, -1)), 4);
    assertThat(names(layout)).containsExactly("text", "tags");
    String longText = "x".repeat(100);
    Tensor text = Tensors.ofStrings("text", new long[] {2, 1}, new String[] {"red", longText});
    Tensor tags = Tensors.ofStrings("tags", new long[] {1, 3}, new String[] {"a", "b", "a"});
    Recorder recorder = extract(layout, text, tags);
    assertThat(recorder.byFeature.get(0)).containsExactly("red", "<64..127 bytes>");
    assertThat(recorder.byFeature.get(1)).containsExactly("a", "b", "a");
    assertThat(layout.features().get(0).bytes()).isTrue();
  }

  @Test
  void everyNumericDatatypeIsRead() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("h", DataType.FP16, -1), spec("u", DataType.UINT64, -1),
        spec("b", DataType.BOOL, -1), spec("bf", DataType.BF16, -1)), 4);
    ByteBuffer half = Tensors.allocate(4).putShort((short) 0x3C00).putShort((short) 0xC000).flip(); // 1, -2
    ByteBuffer unsigned = Tensors.allocate(8).putLong(-1L).flip(); // 2^64 - 1
    ByteBuffer bool = Tensors.allocate(2).put((byte) 1).put((byte) 0).flip();
    ByteBuffer brain = Tensors.allocate(2).putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).flip();
    Recorder recorder = extract(layout,
        Tensors.fromRaw("h", DataType.FP16, new long[] {2}, half),
        Tensors.fromRaw("u", DataType.UINT64, new long[] {1}, unsigned),
        Tensors.fromRaw("b", DataType.BOOL, new long[] {2}, bool),
        Tensors.fromRaw("bf", DataType.BF16, new long[] {1}, brain));
    assertThat(recorder.byFeature.get(0)).containsExactly(1.0, -2.0);
    assertThat(recorder.byFeature.get(1)).containsExactly(0x1p64);
    assertThat(recorder.byFeature.get(2)).containsExactly(1.0, 0.0);
    assertThat(recorder.byFeature.get(3)).containsExactly(1.5);
    assertThat(TensorValues.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(TensorValues.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
  }

  @Test
  void nonFiniteValuesPassThroughAsObservations() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("x", DataType.FP32, -1, 2),
        spec("img", DataType.FP32, -1, 1, 2, 2)), 4);
    Recorder recorder = extract(layout,
        Tensors.ofFloats("x", new long[] {1, 2}, Float.NaN, Float.POSITIVE_INFINITY),
        Tensors.ofFloats("img", new long[] {1, 1, 2, 2}, 1, Float.NaN, 2, 3));
    assertThat((double) recorder.byFeature.get(0).get(0)).isNaN();
    assertThat((double) recorder.byFeature.get(1).get(0)).isInfinite();
    assertThat((double) recorder.byFeature.get(2).get(0)).isNaN(); // a summary over NaN is NaN
  }

  @Test
  void missingOrMismatchedInputsAreSkippedAndCounted() {
    FeatureLayout layout = FeatureLayout.of(List.of(spec("x", DataType.FP32, -1, 2), spec("y", DataType.FP32, -1, 2)),
        4);
    Recorder recorder = new Recorder(layout.size());
    int skipped = layout.extract(List.of(new TensorValues(Tensors.ofFloats("x", new long[] {1, 3}, 1, 2, 3))),
        recorder);
    assertThat(skipped).isEqualTo(2); // x has 3 columns, not 2; y is missing
    assertThat(recorder.byFeature.get(0)).isEmpty();
  }
}
