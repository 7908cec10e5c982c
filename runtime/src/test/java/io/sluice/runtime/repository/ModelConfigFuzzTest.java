package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.util.NavigableSet;
import java.util.Set;

/**
 * Fuzzes the {@code config.pbtxt} reader: the text parser, the model file name and the version policy, which
 * are what the repository derives from a config before any model file is opened. The only failure allowed is a
 * {@link ModelLoadException} whose message is client-safe ({@link FuzzContract}).
 *
 * <p>Seeds: {@code src/test/resources/io/sluice/runtime/repository/ModelConfigFuzzTestInputs/configText/}.
 * Normal test runs replay them; {@code .ci/fuzz pbtxt 10m} fuzzes (docs/FUZZING.md).
 */
class ModelConfigFuzzTest {
  private static final Set<Long> AVAILABLE = Set.of(1L, 2L, 3L, 7L);

  @FuzzTest(maxDuration = "10m")
  void configText(byte[] file) throws ModelLoadException {
    // as ModelRepository reads the file: UTF-8 (malformed bytes would fail the read before the parser)
    String text = new String(file, StandardCharsets.UTF_8);
    ModelConfig config;
    String fileName;
    NavigableSet<Long> versions;
    try {
      config = ModelRepository.parseConfig(text);
      fileName = ModelRepository.modelFileName(config);
      versions = VersionPolicy.select(config, AVAILABLE);
    } catch (ModelLoadException e) {
      FuzzContract.assertClientSafe(e.getMessage(), file);
      return;
    }
    assertThat(ModelName.isValid(fileName)).as("model file name '%s'", fileName).isTrue();
    assertThat(AVAILABLE).containsAll(versions);
    // what the parser accepts prints to text that parses back to the same config
    assertThat(ModelRepository.parseConfig(config.toString())).isEqualTo(config);
  }
}
