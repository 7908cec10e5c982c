package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineProfilesTest {
  @TempDir
  Path directory;

  static ModelSignature tabular() {
    return new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 2}),
        new TensorSpec("color", DataType.BYTES, new long[] {-1, 1})),
        List.of(new TensorSpec("y", DataType.INT64, new long[] {-1})), 8);
  }

  private Path lines(String... lines) throws IOException {
    Path file = directory.resolve("data.jsonl");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  private static String line(double a, double b, String color) {
    return "{\"id\":\"r\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[" + a + ","
        + b + "]]},{\"name\":\"color\",\"shape\":[1,1],\"datatype\":\"BYTES\",\"data\":[\"" + color + "\"]}]}";
  }

  @Test
  void buildsNumericAndCategoricalFeaturesFromJsonLines() throws IOException {
    List<String> data = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 300; i++) {
      // x[0] continuous, x[1] takes 3 integral values, so it is categorical
      data.add(line(random.nextGaussian(), random.nextInt(3), i % 3 == 0 ? "red" : "blue"));
    }
    data.add("");
    BaselineProfile profile = BaselineProfiles.fromJsonLines(tabular(), lines(data.toArray(new String[0])));
    assertThat(profile.samples()).isEqualTo(300);
    assertThat(profile.featureNames()).containsExactly("x[0]", "x[1]", "color");
    assertThat(profile.featureKinds()).containsExactly("numeric", "categorical", "categorical");
    FeatureProfile numeric = profile.features().get(0);
    assertThat(numeric.sample()).hasSize(300).isSorted();
    assertThat(profile.features().get(1).categories()).containsOnlyKeys("0", "1", "2");
    assertThat(profile.features().get(2).categories()).containsEntry("red", 100L).containsEntry("blue", 200L);
  }

  @Test
  void writesAndReadsTheFileFormat() throws IOException {
    BaselineProfile profile = BaselineProfiles.fromJsonLines(tabular(),
        lines(line(1.5, 2, "red"), line(-0.25, 2, "red"), line(3, 1, "green")));
    Path file = directory.resolve("baseline.json");
    profile.write(file);
    String text = Files.readString(file);
    assertThat(text).contains("\"format\" : \"sluice.drift.baseline\"").contains("\"formatVersion\" : 1");
    BaselineProfile read = BaselineProfiles.read(tabular(), file);
    assertThat(read.toJson()).isEqualTo(profile.toJson());
    assertThat(read.features().get(0).sample()).containsExactly(-0.25, 1.5, 3.0);
  }

  @Test
  void samplesAreBoundedAndReproducible() throws IOException {
    List<String> data = new ArrayList<>();
    for (int i = 0; i < 3 * BaselineProfile.MAX_SAMPLE; i++) {
      data.add(line(i * 0.5, i, "c"));
    }
    Path file = lines(data.toArray(new String[0]));
    BaselineProfile first = BaselineProfiles.fromJsonLines(tabular(), file);
    BaselineProfile second = BaselineProfiles.fromJsonLines(tabular(), file);
    assertThat(first.features().get(0).sample()).hasSize(BaselineProfile.MAX_SAMPLE)
        .containsExactly(second.features().get(0).sample());
    assertThat(first.features().get(0).count()).isEqualTo(3L * BaselineProfile.MAX_SAMPLE);
    assertThat(first.featureKinds().get(1)).isEqualTo("numeric"); // many distinct integers
  }

  @Test
  void nonFiniteTrainingValuesAreCountedApart() throws IOException {
    String line = "{\"inputs\":[{\"name\":\"x\",\"shape\":[3,2],\"data\":[NaN,1,\"Infinity\",2,\"-Infinity\",3]},"
        + "{\"name\":\"color\",\"shape\":[3,1],\"data\":[\"a\",\"b\",\"a\"]}]}";
    BaselineProfile profile = BaselineProfiles.fromJsonLines(tabular(), lines(line));
    FeatureProfile first = profile.features().get(0);
    assertThat(first.nan()).isEqualTo(1);
    assertThat(first.infinite()).isEqualTo(2);
    assertThat(first.count()).isZero();
  }

  @Test
  void badLinesNameTheLineAndInput() throws IOException {
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(), lines(line(1, 2, "a"), "{not json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline data 'data.jsonl' line 2: not valid JSON");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"data\":[1,2]}]}")))
        .hasMessageContaining("line 1: missing input 'color'");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"data\":[1,2,3]},"
            + "{\"name\":\"color\",\"shape\":[1,1],\"data\":[\"a\"]}]}")))
        .hasMessageContaining("input 'x': shape [1,3] (expected: [-1,2], -1 is any size)");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP64\",\"data\":[1,2]},"
            + "{\"name\":\"color\",\"shape\":[1,1],\"data\":[\"a\"]}]}")))
        .hasMessageContaining("input 'x': datatype \"FP64\" (expected: FP32)");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"data\":[1,\"two\"]},"
            + "{\"name\":\"color\",\"shape\":[1,1],\"data\":[\"a\"]}]}")))
        .hasMessageContaining("input 'x': data element 1 is \"two\" (expected: a number)");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"data\":[1,2,3]},"
            + "{\"name\":\"color\",\"shape\":[1,1],\"data\":[\"a\"]}]}")))
        .hasMessageContaining("input 'x': 3 data elements for shape [2,2] (expected: 4)");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(),
        lines("{\"inputs\":[{\"name\":\"z\",\"shape\":[1],\"data\":[1]}]}")))
        .hasMessageContaining("unknown input 'z' (expected one of: [x, color])");
    assertThatThrownBy(() -> BaselineProfiles.fromJsonLines(tabular(), lines("", " ")))
        .hasMessageContaining("no requests");
  }

  @Test
  void malformedBaselineFilesAreClearErrors() throws IOException {
    Path file = directory.resolve("baseline.json");
    Files.writeString(file, "{\"format\": \"sluice.drift.baseline\", \"formatVersion\": 1,");
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline 'baseline.json': not valid JSON");
    Files.writeString(file, "[1, 2]");
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file)).hasMessageContaining("not a JSON object");
    Files.writeString(file, "{\"format\": \"other\"}");
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .hasMessageContaining("\"format\" is \"other\" (expected: \"sluice.drift.baseline\")");

    String valid = BaselineProfiles.fromJsonLines(tabular(), lines(line(1.5, 2, "a"), line(2.25, 3, "b"))).toJson();
    assertThat(valid).contains("\"sample\" : [ 1.5, 2.25 ]");
    Files.writeString(file, valid.replace("\"sample\" : [ 1.5, 2.25 ]", "\"sample\" : [ 1.5, \"x\" ]"));
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .hasMessageContaining("feature 0 'x[0]': sample value 1 is \"x\" (expected: a finite number)");
    Files.writeString(file, valid.replace("\"count\" : 2,", "\"count\" : -2,"));
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .hasMessageContaining("\"count\" is -2 (expected: an integer >= 0)");
    int colorKind = valid.lastIndexOf("\"kind\" : \"categorical\"");
    Files.writeString(file, valid.substring(0, colorKind) + "\"kind\" : \"numeric\""
        + valid.substring(colorKind + "\"kind\" : \"categorical\"".length()));
    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .hasMessageContaining("(expected: \"categorical\" for a BYTES input)");
  }

  @Test
  void baselinesOfOtherInputsAreRejected() throws IOException {
    Path file = directory.resolve("baseline.json");
    BaselineProfiles.fromJsonLines(tabular(), lines(line(1, 2, "a"))).write(file);

    ModelSignature renamed = new ModelSignature(List.of(new TensorSpec("features", DataType.FP32, new long[] {-1, 2}),
        new TensorSpec("color", DataType.BYTES, new long[] {-1, 1})), List.of(), 8);
    assertThatThrownBy(() -> BaselineProfiles.read(renamed, file))
        .hasMessage("baseline 'baseline.json': built for inputs [x, color] (expected: the model's inputs"
            + " [features, color])");

    ModelSignature retyped = new ModelSignature(List.of(new TensorSpec("x", DataType.FP64, new long[] {-1, 2}),
        new TensorSpec("color", DataType.BYTES, new long[] {-1, 1})), List.of(), 8);
    assertThatThrownBy(() -> BaselineProfiles.read(retyped, file))
        .hasMessageContaining("input 'x' has datatype FP32 (expected: FP64)");

    ModelSignature wider = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 3}),
        new TensorSpec("color", DataType.BYTES, new long[] {-1, 1})), List.of(), 8);
    assertThat(refusal(wider, file)).isEqualTo("baseline 'baseline.json': input 'x' has shape [-1,2] and 2 "
        + "features (expected: shape [-1,3] and 3 features, the model's)");
  }

  @Test
  void baselinesOfOtherShapesAreRejectedAsCapturedOnesAre() throws IOException {
    Path file = directory.resolve("baseline.json");
    ModelSignature small = images(8);
    new BaselineBuilder(FeatureLayout.of(small), small.inputs()).build().write(file);
    assertThat(BaselineProfiles.read(small, file).featureCount()).isEqualTo(6);

    // the same features (per-channel mean and deviation), from images of another size
    assertThat(refusal(images(16), file)).isEqualTo("baseline 'baseline.json': input 'pixels' has shape [-1,3,8,8] "
        + "and 6 features (expected: shape [-1,3,16,16] and 6 features, the model's)");

    // the same shape, but without batching the only dimension is one observation's: summarized, not elements
    ModelSignature batched = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {-1})),
        List.of(), 8);
    new BaselineBuilder(FeatureLayout.of(batched), batched.inputs()).build().write(file);
    ModelSignature unbatched = new ModelSignature(batched.inputs(), List.of(), 0);
    assertThat(refusal(unbatched, file)).isEqualTo("baseline 'baseline.json': input 'x' has shape [-1] and 1 "
        + "features (expected: shape [-1] and 3 features, the model's)");
  }

  @Test
  void featuresOfNoInputAreRejected() throws IOException {
    Path file = directory.resolve("baseline.json");
    String valid = BaselineProfiles.fromJsonLines(tabular(), lines(line(1, 2, "a"))).toJson();
    int last = valid.lastIndexOf(']');
    Files.writeString(file, valid.substring(0, last) + ", {\"index\": 3, \"name\": \"z\", \"input\": \"z\"}"
        + valid.substring(last));

    assertThatThrownBy(() -> BaselineProfiles.read(tabular(), file))
        .hasMessageContaining("has 4 features (expected: 3 for the model's inputs");
  }

  /** The message {@link BaselineProfiles#read} refuses {@code file} with for {@code model}. */
  private static String refusal(ModelSignature model, Path file) {
    return catchThrowableOfType(IllegalArgumentException.class, () -> BaselineProfiles.read(model, file))
        .getMessage();
  }

  static ModelSignature images(int size) {
    return new ModelSignature(List.of(new TensorSpec("pixels", DataType.FP32, new long[] {-1, 3, size, size})),
        List.of(), 8);
  }
}
