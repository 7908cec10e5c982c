package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real classifier behind the dynamic batcher answers exactly as the same model without batching. */
class BatchedModelTest {
  @TempDir
  Path repository;

  private ModelManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close(5000);
    }
  }

  @Test
  void batchedAnswersEqualUnbatchedAnswersUnderConcurrency() throws Exception {
    ModelConfig base = SampleRepository.classifierConfig().toBuilder().clearVersionPolicy().build();
    TestModels.writeModel(repository, "direct", 1, SampleRepository.classifierModel(1));
    TestModels.writeConfig(repository, "direct", base.toBuilder().setName("direct").build());
    TestModels.writeModel(repository, "batched", 1, SampleRepository.classifierModel(1));
    TestModels.writeConfig(repository, "batched", base.toBuilder().setName("batched")
        .setDynamicBatching(ModelDynamicBatching.newBuilder().setMaxQueueDelayMicroseconds(2000)).build());
    manager = new ModelManager(new ModelRepository(repository),
        new VersionLoader(new RuntimeOptions(4096, 2, 1, "cpu")));
    manager.start();

    SplittableRandom random = new SplittableRandom(7);
    List<InferenceRequest> requests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int rows = 1 + random.nextInt(4);
      float[] features = new float[rows * 4];
      for (int k = 0; k < features.length; k++) {
        features[k] = (float) (random.nextDouble() * 4 - 2);
      }
      requests.add(new InferenceRequest("", "", "r" + i,
          List.of(Tensors.ofFloats("features", new long[] {rows, 4}, features)), List.of(), System.nanoTime()));
    }
    List<CompletableFuture<InferenceResponse>> batched = new ArrayList<>();
    ModelVersion batchedVersion = manager.resolve("batched", "");
    for (InferenceRequest request : requests) {
      batched.add(batchedVersion.submit(request));
    }
    ModelVersion directVersion = manager.resolve("direct", "");
    for (int i = 0; i < requests.size(); i++) {
      InferenceResponse expected = directVersion.submit(requests.get(i)).get(30, TimeUnit.SECONDS);
      InferenceResponse actual = batched.get(i).get(30, TimeUnit.SECONDS);
      assertThat(actual.id()).isEqualTo("r" + i);
      assertThat(actual.outputs().get(0).shape()).isEqualTo(expected.outputs().get(0).shape());
      float[] want = Tensors.toFloats(expected.outputs().get(0));
      float[] got = Tensors.toFloats(actual.outputs().get(0));
      for (int k = 0; k < want.length; k++) {
        assertThat(got[k]).as("request %d element %d", i, k)
            .isCloseTo(want[k], org.assertj.core.api.Assertions.within(1e-6f));
      }
    }
    VersionStatistics.Snapshot stats = batchedVersion.statistics().snapshot();
    assertThat(stats.success().count()).isEqualTo(300);
    assertThat(stats.executionCount()).as("batches formed").isLessThan(300);
    assertThat(stats.inferenceCount()).isEqualTo(directVersion.statistics().snapshot().inferenceCount());
  }
}
