package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelInput;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManagerTest {
  @TempDir
  Path repository;

  private ModelManager manager;

  private ModelManager load() throws Exception {
    manager = new ModelManager(new ModelRepository(repository), new VersionLoader(RuntimeOptions.defaults()));
    manager.loadAll();
    return manager;
  }

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close(1000);
    }
  }

  @Test
  void aBrokenModelIsUnavailableWithAReasonWhileOthersServe() throws Exception {
    SampleRepository.write(repository);
    Files.createDirectories(repository.resolve("broken/1"));
    Files.write(repository.resolve("broken/1/model.onnx"), new byte[] {0x12, 0x34, 0x56, 0x78, 0x11});
    Files.createDirectories(repository.resolve("empty/1"));
    Files.write(repository.resolve("empty/1/model.onnx"), new byte[0]);

    load();

    ModelStatus broken = manager.status("broken");
    assertThat(broken.state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(broken.reason()).startsWith("version 1: ")
        .doesNotContain(repository.toString());
    assertThat(manager.status("empty").state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(manager.allReady()).isFalse();
    assertThatThrownBy(() -> manager.resolve("broken", ""))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .hasMessageContaining("model 'broken' is not ready");

    InferenceRequest request = new InferenceRequest(SampleRepository.CLASSIFIER, "", "id-1",
        List.of(Tensors.ofFloats("features", new long[] {1, 4}, 1, 2, 3, 4)), List.of(), System.nanoTime());
    InferenceResponse response = manager.resolve(SampleRepository.CLASSIFIER, "").submit(request)
        .get(30, TimeUnit.SECONDS);
    assertThat(response.modelVersion()).isEqualTo("2");
    assertThat(response.id()).isEqualTo("id-1");
    float[] probabilities = Tensors.toFloats(response.outputs().get(0));
    assertThat(probabilities[0] + probabilities[1] + probabilities[2]).isCloseTo(1f,
        org.assertj.core.api.Assertions.within(1e-5f));
  }

  @Test
  void aConfigThatContradictsTheModelFailsTheLoadWithTheReason() throws Exception {
    TestModels.writeModel(repository, "fixed", 1, TestModels.fixedAdd());
    TestModels.writeConfig(repository, "fixed", ModelConfig.newBuilder()
        .addInput(ModelInput.newBuilder().setName("a").setDataType(io.sluice.proto.config.DataType.TYPE_FP32)
            .addDims(3).addDims(3))
        .build());
    TestModels.writeModel(repository, "typed", 1, TestModels.fixedAdd());
    TestModels.writeConfig(repository, "typed", ModelConfig.newBuilder()
        .addInput(ModelInput.newBuilder().setName("a").setDataType(io.sluice.proto.config.DataType.TYPE_INT32)
            .addDims(2).addDims(2))
        .build());

    load();

    assertThat(manager.status("fixed").reason()).contains("input 'a' has shape [3,3]")
        .contains("ONNX model has [2,2]");
    assertThat(manager.status("typed").reason()).contains("data_type TYPE_INT32")
        .contains("TYPE_FP32");
  }

  @Test
  void resolvesNamedOrHighestVersionAndRejectsUnknownOnes() throws Exception {
    SampleRepository.write(repository);
    load();

    assertThat(manager.allReady()).isTrue();
    assertThat(manager.resolve(SampleRepository.CLASSIFIER, "").version()).isEqualTo(2);
    assertThat(manager.resolve(SampleRepository.CLASSIFIER, "1").version()).isEqualTo(1);
    assertThatThrownBy(() -> manager.resolve(SampleRepository.CLASSIFIER, "3"))
        .hasMessage("unknown version 3 of model 'tabular_classifier' (available: 1, 2)");
    assertThatThrownBy(() -> manager.resolve("../etc", ""))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(manager.resolve(SampleRepository.CLASSIFIER, "").config().getMaxBatchSize()).isEqualTo(64);
    assertThat(manager.resolve(SampleRepository.LOOKUP, "").config().getPlatform()).isEqualTo("onnxruntime_onnx");
  }
}
