package io.sluice.benchmarks.load.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputDataTest {

  @TempDir
  Path temp;

  private static final List<TensorSpec> FEATURES =
      List.of(new TensorSpec("features", Datatype.FP32, new long[] {-1, 4}));

  @Test
  void zerosAndRandomFillTheShapeWithVariableDimensionsAsOne() {
    Tensor zeros = InputData.load("zeros", FEATURES, 1).get(0).get(0);
    Tensor random = InputData.load("random", FEATURES, 1).get(0).get(0);

    assertThat(zeros.shape()).containsExactly(1, 4);
    assertThat(zeros.data()).hasSize(16).containsOnly(0);
    assertThat(random.data()).hasSize(16);
    for (int i = 0; i < 4; i++) {
      float value = ByteBuffer.wrap(random.data()).order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * i);
      assertThat(value).isBetween(0f, 1f);
    }
    assertThat(InputData.load("random", FEATURES, 1).get(0).get(0).data()).isEqualTo(random.data());
  }

  @Test
  void readsPerfAnalyzerJsonWithNestedFlatAndContentForms() throws IOException {
    Path file = temp.resolve("data.json");
    Files.writeString(file, "{\"data\": [{\"features\": [[1, 2, 3, 4], [5, 6, 7, 8]]},"
        + " {\"features\": [1, 2, 3, 4]}, {\"features\": {\"content\": [1, 2, 3, 4, 5, 6, 7, 8], \"shape\": [4, 2]}}]}");

    List<List<Tensor>> records = InputData.load(file.toString(), FEATURES, 1);

    assertThat(records).hasSize(3);
    assertThat(records.get(0).get(0).shape()).containsExactly(2, 4);
    assertThat(records.get(1).get(0).shape()).containsExactly(1, 4);
    assertThat(records.get(2).get(0).shape()).containsExactly(4, 2);
    assertThat(ByteBuffer.wrap(records.get(0).get(0).data()).order(ByteOrder.LITTLE_ENDIAN).getFloat(28)).isEqualTo(8f);
  }

  @Test
  void readsJsonLinesAndV2RequestBodies() throws IOException {
    Path file = temp.resolve("data.jsonl");
    List<TensorSpec> specs = List.of(new TensorSpec("text", Datatype.BYTES, new long[] {-1}),
        new TensorSpec("flag", Datatype.BOOL, new long[] {1}));
    Files.writeString(file, "{\"text\": [\"hi\", \"there\"], \"flag\": [true]}\n\n"
        + "{\"inputs\": [{\"name\": \"text\", \"shape\": [1], \"data\": [\"x\"]}, {\"name\": \"flag\", \"data\": [false]}]}\n");

    List<List<Tensor>> records = InputData.load(file.toString(), specs, 1);

    assertThat(records).hasSize(2);
    Tensor text = records.get(0).get(0);
    assertThat(text.shape()).containsExactly(2);
    ByteBuffer bytes = ByteBuffer.wrap(text.data()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.getInt()).isEqualTo(2);
    assertThat(new String(text.data(), 4, 2, StandardCharsets.UTF_8)).isEqualTo("hi");
    assertThat(records.get(0).get(1).data()).containsExactly(1);
    assertThat(records.get(1).get(1).data()).containsExactly(0);
  }

  @Test
  void explainsBadRecords() throws IOException {
    Path file = temp.resolve("bad.jsonl");
    Files.writeString(file, "{\"features\": [1, 2, 3, 4]}\n{\"features\": [1, 2, 3]}\n");
    assertThatThrownBy(() -> InputData.load(file.toString(), FEATURES, 1))
        .hasMessageContaining("--data record 2 input 'features'").hasMessageContaining("3 elements");

    Files.writeString(file, "{\"other\": [1]}\n");
    assertThatThrownBy(() -> InputData.load(file.toString(), FEATURES, 1))
        .hasMessage("--data record 1: no value for input 'features'");

    Files.writeString(file, "{\"features\": [1, 2, 3, \"x\"]}\n");
    assertThatThrownBy(() -> InputData.load(file.toString(), FEATURES, 1))
        .hasMessageContaining("element \"x\" (expected: a number for FP32)");

    List<TensorSpec> ints = List.of(new TensorSpec("ids", Datatype.INT32, new long[] {2}));
    Files.writeString(file, "{\"ids\": [1, 1.5]}\n");
    assertThatThrownBy(() -> InputData.load(file.toString(), ints, 1))
        .hasMessageContaining("element 1.5 (expected: an integer for INT32)");

    assertThatThrownBy(() -> InputData.load(temp.resolve("missing.json").toString(), FEATURES, 1))
        .hasMessageContaining("expected: random, zeros, or an existing .json/.jsonl file");
  }

  @Test
  void halfPrecisionConversionsRoundCorrectly() {
    assertThat(TensorValues.floatToHalf(1.0f)).isEqualTo((short) 0x3C00);
    assertThat(TensorValues.floatToHalf(0.5f)).isEqualTo((short) 0x3800);
    assertThat(TensorValues.floatToHalf(-2.0f)).isEqualTo((short) 0xC000);
    assertThat(TensorValues.floatToHalf(65504f)).isEqualTo((short) 0x7BFF);
    assertThat(TensorValues.floatToHalf(1e6f)).isEqualTo((short) 0x7C00);
    assertThat(TensorValues.floatToHalf(5.960464477539063e-8f)).isEqualTo((short) 0x0001);
    assertThat(TensorValues.floatToHalf(1e-10f)).isZero();
    assertThat(TensorValues.floatToBfloat16(1.0f)).isEqualTo((short) 0x3F80);
    assertThat(TensorValues.floatToBfloat16(-3.5f)).isEqualTo((short) 0xC060);
  }
}
