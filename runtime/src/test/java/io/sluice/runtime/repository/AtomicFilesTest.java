package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesReplacesAndDeletesLeavingNoTemporaryFile() throws Exception {
    Path file = dir.resolve("state").resolve("m.json");

    AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(file)).isEqualTo("two");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
    assertThat(AtomicFiles.delete(file)).isTrue();
    assertThat(AtomicFiles.delete(file)).isFalse();
    assertThat(file).doesNotExist();
  }

  @Test
  void recognizesWhatACrashCanLeave() {
    assertThat(AtomicFiles.isLeftover(dir.resolve(".m.json.tmp"))).isTrue();
    assertThat(AtomicFiles.isLeftover(dir.resolve("m.json"))).isFalse();
    assertThat(AtomicFiles.isLeftover(dir.resolve("m.tmp"))).isFalse();
  }
}
