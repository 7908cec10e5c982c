package io.sluice.runtime.onnx;

import static io.sluice.runtime.onnx.OrtTestSupport.ENVIRONMENT;
import static io.sluice.runtime.onnx.OrtTestSupport.floats;
import static io.sluice.runtime.onnx.OrtTestSupport.floatsOf;
import static io.sluice.runtime.onnx.OrtTestSupport.longsOf;
import static io.sluice.runtime.onnx.OrtTestSupport.session;
import static io.sluice.runtime.onnx.OrtTestSupport.tensorInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import com.google.protobuf.TextFormat;
import io.sluice.proto.config.DataType;
import io.sluice.proto.config.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleRepositoryTest {
  /** The committed samples; tests run with working directory {@code runtime/}. */
  private static final Path COMMITTED = Path.of("..", "models");

  private static final float[][] FEATURES = {
    {1f, 2f, 3f, 4f},
    {-1f, 0.5f, 2f, -3f},
    {0f, 0f, 0f, 0f},
  };

  @TempDir Path temp;

  @Test
  void committedSamplesMatchTheGenerator() throws IOException {
    SampleRepository.write(temp);

    List<String> generated = relativeFiles(temp);
    assertThat(generated).containsExactly(
        "tabular_classifier/1/model.onnx",
        "tabular_classifier/2/model.onnx",
        "tabular_classifier/config.pbtxt",
        "text_lookup/1/model.onnx");
    assertThat(relativeFiles(COMMITTED))
        .as("files under models/ (regenerate with WriteSampleRepository)")
        .containsExactlyElementsOf(generated);
    for (String file : generated) {
      assertThat(COMMITTED.resolve(file))
          .as("models/%s (regenerate with WriteSampleRepository)", file)
          .hasSameBinaryContentAs(temp.resolve(file));
      assertThat(Files.size(temp.resolve(file))).as(file).isLessThan(1024);
    }
  }

  @Test
  void writeOverwritesAndIsDeterministic() throws IOException {
    Path model = temp.resolve("tabular_classifier/1/model.onnx");
    Files.createDirectories(model.getParent());
    Files.writeString(model, "stale");
    Path unrelated = Files.writeString(temp.resolve("README"), "kept");

    SampleRepository.write(temp);

    assertThat(Files.readAllBytes(model)).isEqualTo(SampleRepository.classifierModel(1));
    assertThat(unrelated).hasContent("kept");
    assertThat(SampleRepository.classifierModel(2)).isEqualTo(SampleRepository.classifierModel(2));
    assertThat(SampleRepository.lookupModel()).isEqualTo(SampleRepository.lookupModel());
  }

  @Test
  void configIsParseableTritonText() throws IOException {
    SampleRepository.write(temp);
    String text = Files.readString(temp.resolve("tabular_classifier/config.pbtxt"), StandardCharsets.UTF_8);

    ModelConfig.Builder parsed = ModelConfig.newBuilder();
    TextFormat.getParser().merge(text, parsed);

    assertThat(parsed.build()).isEqualTo(SampleRepository.classifierConfig());
    assertThat(parsed.getName()).isEqualTo("tabular_classifier");
    assertThat(parsed.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(parsed.getMaxBatchSize()).isEqualTo(64);
    assertThat(parsed.getInputCount()).isEqualTo(1);
    assertThat(parsed.getInput(0).getName()).isEqualTo("features");
    assertThat(parsed.getInput(0).getDataType()).isEqualTo(DataType.TYPE_FP32);
    assertThat(parsed.getInput(0).getDimsList()).containsExactly(4L);
    assertThat(parsed.getOutputCount()).isEqualTo(1);
    assertThat(parsed.getOutput(0).getName()).isEqualTo("probabilities");
    assertThat(parsed.getOutput(0).getDataType()).isEqualTo(DataType.TYPE_FP32);
    assertThat(parsed.getOutput(0).getDimsList()).containsExactly(3L);
    assertThat(text).contains("platform: \"onnxruntime_onnx\"", "data_type: TYPE_FP32");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void classifierSignatureHasDynamicBatch(int version) throws OrtException {
    try (OrtSession session = session(SampleRepository.classifierModel(version))) {
      assertThat(session.getInputNames()).containsExactly("features");
      assertThat(session.getOutputNames()).containsExactly("probabilities");

      TensorInfo input = tensorInfo(session.getInputInfo(), "features");
      assertThat(input.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
      assertThat(input.getShape()).containsExactly(-1L, 4L);
      assertThat(input.getDimensionNames()[0]).isEqualTo("batch");

      TensorInfo output = tensorInfo(session.getOutputInfo(), "probabilities");
      assertThat(output.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
      assertThat(output.getShape()).containsExactly(-1L, 3L);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void classifierComputesSoftmaxOfAffineMap(int version) throws OrtException {
    float[] actual = runClassifier(version, FEATURES);

    double[][] expected = expectedProbabilities(
        FEATURES, SampleRepository.classifierWeights(version), SampleRepository.classifierBias(version));
    assertThat(actual).hasSize(FEATURES.length * 3);
    for (int row = 0; row < FEATURES.length; row++) {
      double sum = 0;
      for (int column = 0; column < 3; column++) {
        float probability = actual[row * 3 + column];
        assertThat((double) probability).as("row %d, class %d", row, column)
            .isCloseTo(expected[row][column], within(1e-5));
        sum += probability;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void classifierRunsWithBatchOfOne() throws OrtException {
    float[][] one = {FEATURES[1]};
    float[] actual = runClassifier(1, one);

    double[][] expected = expectedProbabilities(
        one, SampleRepository.classifierWeights(1), SampleRepository.classifierBias(1));
    assertThat(actual).hasSize(3);
    for (int column = 0; column < 3; column++) {
      assertThat((double) actual[column]).isCloseTo(expected[0][column], within(1e-5));
    }
  }

  @Test
  void classifierVersionsDiffer() throws OrtException {
    float[] first = runClassifier(1, FEATURES);
    float[] second = runClassifier(2, FEATURES);

    // the first row's most likely class moves from 2 (version 1) to 1 (version 2)
    assertThat(argMax(first, 0)).isEqualTo(2);
    assertThat(argMax(second, 0)).isEqualTo(1);
    assertThat(SampleRepository.classifierModel(1)).isNotEqualTo(SampleRepository.classifierModel(2));
  }

  @Test
  void weightsAreDefensiveCopiesAndVersionsAreChecked() {
    float[][] weights = SampleRepository.classifierWeights(1);
    assertThat(weights).hasNumberOfRows(4);
    assertThat(weights[0]).hasSize(3);
    weights[0][0] = 42f;
    SampleRepository.classifierBias(1)[0] = 42f;

    assertThat(SampleRepository.classifierWeights(1)[0][0]).isEqualTo(0.5f);
    assertThat(SampleRepository.classifierBias(1)[0]).isEqualTo(0.1f);
    assertThatThrownBy(() -> SampleRepository.classifierWeights(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version: 3");
    assertThatThrownBy(() -> SampleRepository.classifierModel(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lookupMapsVocabularyToIndexAndUnknownToMinusOne() throws OrtException {
    String[] words = {"dog", "cat", "fish", "bird", "zebra", "", "Cat"};
    try (OrtSession session = session(SampleRepository.lookupModel());
        OnnxTensor text = OnnxTensor.createTensor(ENVIRONMENT, words, new long[] {words.length});
        OrtSession.Result result = session.run(Map.of("text", text))) {
      OnnxTensor ids = (OnnxTensor) result.get("token_id").orElseThrow();

      assertThat(ids.getInfo().getShape()).containsExactly((long) words.length);
      long[] expected = new long[words.length];
      for (int i = 0; i < words.length; i++) {
        expected[i] = SampleRepository.VOCABULARY.indexOf(words[i]);
      }
      assertThat(expected).containsExactly(1, 0, 3, 2, -1, -1, -1);
      assertThat(longsOf(ids)).containsExactly(expected);
    }
  }

  @Test
  void lookupSignature() throws OrtException {
    try (OrtSession session = session(SampleRepository.lookupModel())) {
      TensorInfo input = tensorInfo(session.getInputInfo(), "text");
      assertThat(input.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
      assertThat(input.getShape()).containsExactly(-1L);

      TensorInfo output = tensorInfo(session.getOutputInfo(), "token_id");
      assertThat(output.onnxType).isEqualTo(OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
      assertThat(output.getShape()).containsExactly(-1L);
    }
    assertThat(SampleRepository.VOCABULARY).containsExactly("cat", "dog", "bird", "fish");
    assertThat(SampleRepository.UNKNOWN_TOKEN_ID).isEqualTo(-1L);
  }

  private static float[] runClassifier(int version, float[][] rows) throws OrtException {
    float[] flat = new float[rows.length * 4];
    for (int row = 0; row < rows.length; row++) {
      System.arraycopy(rows[row], 0, flat, row * 4, 4);
    }
    try (OrtSession session = session(SampleRepository.classifierModel(version));
        OnnxTensor features = floats(new long[] {rows.length, 4}, flat);
        OrtSession.Result result = session.run(Map.of("features", features))) {
      OnnxTensor probabilities = (OnnxTensor) result.get("probabilities").orElseThrow();
      assertThat(probabilities.getInfo().getShape()).containsExactly((long) rows.length, 3L);
      return floatsOf(probabilities);
    }
  }

  /** softmax(features x weights + bias) per row, in double precision. */
  private static double[][] expectedProbabilities(float[][] features, float[][] weights, float[] bias) {
    double[][] probabilities = new double[features.length][bias.length];
    for (int row = 0; row < features.length; row++) {
      double[] logits = new double[bias.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int column = 0; column < bias.length; column++) {
        double logit = bias[column];
        for (int k = 0; k < features[row].length; k++) {
          logit += (double) features[row][k] * weights[k][column];
        }
        logits[column] = logit;
        max = Math.max(max, logit);
      }
      double sum = 0;
      for (int column = 0; column < bias.length; column++) {
        logits[column] = Math.exp(logits[column] - max);
        sum += logits[column];
      }
      for (int column = 0; column < bias.length; column++) {
        probabilities[row][column] = logits[column] / sum;
      }
    }
    return probabilities;
  }

  private static int argMax(float[] values, int row) {
    int best = 0;
    for (int column = 1; column < 3; column++) {
      if (values[row * 3 + column] > values[row * 3 + best]) {
        best = column;
      }
    }
    return best;
  }

  private static List<String> relativeFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .map(file -> root.relativize(file).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new))
          .stream()
          .toList();
    }
  }
}
