package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

  @TempDir
  Path root;

  @Test
  void findsNumericVersionDirectoriesWithAModelFile() throws Exception {
    Files.createDirectories(root.resolve("m/1"));
    Files.write(root.resolve("m/1/model.onnx"), new byte[] {1});
    Files.createDirectories(root.resolve("m/3"));
    Files.write(root.resolve("m/3/model.onnx"), new byte[] {1});
    Files.createDirectories(root.resolve("m/2"));
    Files.createDirectories(root.resolve("m/latest"));
    Files.write(root.resolve("m/latest/model.onnx"), new byte[] {1});
    Files.createDirectories(root.resolve("bad name"));

    ModelRepository repository = new ModelRepository(root);

    assertThat(repository.modelNames()).containsExactly("m");
    ModelSource source = repository.read("m");
    assertThat(source.versionFiles().keySet()).containsExactly(1L, 3L);
    assertThat(source.config()).isNull();
  }

  @Test
  void parsesConfigPbtxt() throws Exception {
    Files.createDirectories(root.resolve("m/1"));
    Files.writeString(root.resolve("m/config.pbtxt"),
        "name: \"m\"\nmax_batch_size: 8\ninput [ { name: \"x\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
            + "default_model_filename: \"net.onnx\"\n");
    Files.write(root.resolve("m/1/net.onnx"), new byte[] {1});

    ModelSource source = new ModelRepository(root).read("m");

    assertThat(source.config().getMaxBatchSize()).isEqualTo(8);
    assertThat(source.config().getInput(0).getDimsList()).containsExactly(4L);
    assertThat(source.versionFiles()).containsKey(1L);
  }

  @Test
  void aBrokenConfigIsAReasonWithoutPaths() throws Exception {
    Files.createDirectories(root.resolve("m/1"));
    Files.writeString(root.resolve("m/config.pbtxt"), "max_batch_size: \"eight\"");
    assertThatThrownBy(() -> new ModelRepository(root).read("m"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("config.pbtxt:")
        .hasMessageNotContaining(root.toString());
  }

  @Test
  void refusesModelFilesThatResolveOutsideTheRepository() throws Exception {
    Path outside = Files.createTempFile("outside", ".onnx");
    try {
      Files.createDirectories(root.resolve("m/1"));
      Files.createSymbolicLink(root.resolve("m/1/model.onnx"), outside);
      assertThatThrownBy(() -> new ModelRepository(root).read("m"))
          .hasMessageContaining("outside the model repository");
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void invalidNamesNeverTouchTheFilesystem() throws Exception {
    ModelRepository repository = new ModelRepository(root);
    assertThat(repository.contains("../" + root.getFileName())).isFalse();
    assertThatThrownBy(() -> repository.read("..")).hasMessage("invalid model name");
  }
}
