package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadLogTest {
  @TempDir
  Path directory;

  private static List<Tensor> inputs(float value) {
    return List.of(Tensors.ofFloats("x", new long[] {1, 2}, value, Float.NaN),
        Tensors.ofStrings("color", new long[] {1, 1}, new String[] {"r\"ed"}));
  }

  @Test
  void linesCarryTheRequestAndResponse() throws IOException {
    try (PayloadLog log = new PayloadLog(directory, 1 << 20, 2)) {
      assertThat(log.append("m", "3", "id-1", 0, inputs(1.5f),
          List.of(Tensors.ofLongs("y", new long[] {1}, 7)))).isTrue();
    }
    String line = Files.readString(directory.resolve(PayloadLog.FILE_NAME));
    assertThat(line).isEqualTo("{\"timestamp\":\"1970-01-01T00:00:00Z\",\"model\":\"m\",\"version\":\"3\","
        + "\"id\":\"id-1\",\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,\"NaN\"]},"
        + "{\"name\":\"color\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"r\\\"ed\"]}],"
        + "\"outputs\":[{\"name\":\"y\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[7]}]}\n");
  }

  @Test
  void logsCanBeUsedAsBaselineData() throws IOException {
    try (PayloadLog log = new PayloadLog(directory, 1 << 20, 2)) {
      for (int i = 0; i < 10; i++) {
        log.append("m", "1", "id-" + i, i, inputs(i + 0.25f), List.of());
      }
    }
    ModelSignature signature = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 2}),
        new TensorSpec("color", DataType.BYTES, new long[] {-1, 1})), List.of(), 4);
    BaselineProfile profile = BaselineProfiles.fromJsonLines(signature, directory.resolve(PayloadLog.FILE_NAME));
    assertThat(profile.samples()).isEqualTo(10);
    assertThat(profile.features().get(1).nan()).isEqualTo(10);
    assertThat(profile.features().get(2).categories()).containsEntry("r\"ed", 10L);
  }

  @Test
  void rotatesBySizeKeepingMaxFiles() throws IOException {
    long lineLength;
    try (PayloadLog probe = new PayloadLog(directory.resolve("probe"), 1 << 20, 1)) {
      probe.append("m", "1", "id", 0, inputs(1), List.of());
      lineLength = Files.size(directory.resolve("probe").resolve(PayloadLog.FILE_NAME));
    }
    Path logs = directory.resolve("logs");
    // two lines fit in a file; eleven lines make six files, of which three are kept
    try (PayloadLog log = new PayloadLog(logs, 2 * lineLength, 3)) {
      for (int i = 0; i < 11; i++) {
        assertThat(log.append("m", "1", "id", 0, inputs(1), List.of())).isTrue();
      }
      assertThat(log.rotated(1)).exists();
    }
    assertThat(lines(logs.resolve(PayloadLog.FILE_NAME))).isEqualTo(1);
    assertThat(lines(logs.resolve(PayloadLog.FILE_NAME + ".1"))).isEqualTo(2);
    assertThat(lines(logs.resolve(PayloadLog.FILE_NAME + ".2"))).isEqualTo(2);
    assertThat(logs.resolve(PayloadLog.FILE_NAME + ".3")).doesNotExist();
    try (var files = Files.list(logs)) {
      assertThat(files.count()).isEqualTo(3);
    }
  }

  @Test
  void aSingleFileIsTruncatedOnRotation() throws IOException {
    try (PayloadLog log = new PayloadLog(directory, 10, 1)) {
      log.append("m", "1", "a", 0, inputs(1), List.of());
      log.append("m", "1", "b", 0, inputs(2), List.of());
    }
    assertThat(Files.readString(directory.resolve(PayloadLog.FILE_NAME))).contains("\"id\":\"b\"")
        .doesNotContain("\"id\":\"a\"");
  }

  @Test
  void diskErrorsFailTheAppendAndRecover() throws IOException {
    Path blocked = directory.resolve("blocked");
    Files.writeString(blocked, "a file where the directory should be");
    PayloadLog log = new PayloadLog(blocked, 1 << 20, 2);
    assertThat(log.append("m", "1", "id", 0, inputs(1), List.of())).isFalse();
    Files.delete(blocked);
    assertThat(log.append("m", "1", "id", 0, inputs(1), List.of())).isTrue();
    log.close();
    assertThat(lines(blocked.resolve(PayloadLog.FILE_NAME))).isEqualTo(1);
  }

  private static long lines(Path file) throws IOException {
    return Files.readAllLines(file).size();
  }
}
