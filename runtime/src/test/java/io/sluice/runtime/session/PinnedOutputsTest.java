package io.sluice.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelOutput;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.ModelExecutor;
import io.sluice.runtime.exec.RunGuard;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs whose shape the signature fixes are preallocated and written in place by ONNX Runtime; others (BYTES,
 * data-dependent dimensions) are left to it; a model whose outputs contradict their declared shapes falls back
 * to copying and still answers, found at the latest by one second (unpinned) run of a failed request; such second
 * runs are bounded per version, so requests that fail on their own cannot make every failure cost two runs.
 */
class PinnedOutputsTest {
  private static final ModelSignature BATCHED = new ModelSignature(
      List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 4})),
      List.of(new TensorSpec("y", DataType.FP32, new long[] {-1, 3}),
          new TensorSpec("words", DataType.BYTES, new long[] {-1, 2}),
          new TensorSpec("ragged", DataType.INT64, new long[] {-1, -1})), 8);

  @Test
  void onlyNumericOutputsWithAtMostAVariableBatchDimensionArePinnable() {
    assertThat(PinnedOutputs.pinnable(BATCHED)).extracting(TensorSpec::name).containsExactly("y");
  }

  @Test
  void pinsNumericOutputsWhoseShapeIsKnownOnceTheBatchSizeIs() throws Exception {
    Tensor input = Tensors.ofFloats("x", new long[] {2, 4}, new float[8]);
    try (PinnedOutputs pinned = PinnedOutputs.allocate(OnnxEnvironment.get(), PinnedOutputs.pinnable(BATCHED), List.of(input),
        List.of("y", "words", "ragged"))) {
      assertThat(pinned.contains("y")).isTrue();
      assertThat(pinned.tensor("y").shape()).containsExactly(2, 3);
      assertThat(pinned.tensor("y").data().isDirect()).isTrue();
      assertThat(pinned.contains("words")).as("BYTES").isFalse();
      assertThat(pinned.contains("ragged")).as("data-dependent dimension").isFalse();
    }
    try (PinnedOutputs none = PinnedOutputs.allocate(OnnxEnvironment.get(), PinnedOutputs.pinnable(BATCHED), List.of(input),
        List.of("words"))) {
      assertThat(none.isEmpty()).isTrue();
    }
  }

  @Test
  void theRunnerWritesPinnedOutputsInPlaceAndKeepsDoingSo() throws Exception {
    try (OrtSession session = OnnxEnvironment.get().createSession(TestModels.fixedAdd(),
        new OrtSession.SessionOptions())) {
      ModelSignature signature = SignatureResolver.resolve(session, null);
      OnnxRunner runner = new OnnxRunner(OnnxEnvironment.get(), session, "m", "1", signature,
          new VersionStatistics(), 1);
      List<Tensor> inputs = List.of(input(signature.inputs().get(0)), input(signature.inputs().get(1)));
      ModelExecutor.Execution first = runner.execute(inputs, signature.outputNames(), RunGuard.NONE);
      ModelExecutor.Execution second = runner.execute(inputs, signature.outputNames(), RunGuard.NONE);
      assertThat(Tensors.toFloats(first.outputs().get(0))).containsExactly(0f, 2f, 4f, 6f);
      assertThat(Tensors.toFloats(second.outputs().get(0))).containsExactly(0f, 2f, 4f, 6f);
      assertThat(runner.pinsOutputs()).isTrue();
      runner.close();
    }
  }

  @Test
  void aModelWhoseOutputContradictsItsDeclaredShapeFallsBackToCopying() throws Exception {
    // declares y as [2] but computes y = x (shape [3])
    try (OrtSession session = OnnxEnvironment.get().createSession(TestModels.contradictsDeclaredShape(),
        new OrtSession.SessionOptions())) {
      ModelSignature declared = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {3})),
          List.of(new TensorSpec("y", DataType.FP32, new long[] {2})), 0);
      OnnxRunner runner = new OnnxRunner(OnnxEnvironment.get(), session, "m", "1", declared,
          new VersionStatistics(), 1);
      for (int run = 0; run < 2; run++) {
        ModelExecutor.Execution answer = runner.execute(
            List.of(Tensors.ofFloats("x", new long[] {3}, 1f, 2f, 3f)), List.of("y"), RunGuard.NONE);
        assertThat(Tensors.toFloats(answer.outputs().get(0))).containsExactly(1f, 2f, 3f);
      }
      assertThat(runner.pinsOutputs()).isFalse();
      assertThat(runner.unpinnedRetries()).as("only the first request ran twice").isEqualTo(1);
      runner.close();
    }
  }

  @Test
  void requestsThatFailOnTheirOwnAreRunAgainUnpinnedOnlyAFewTimesPerVersion() throws Exception {
    try (OrtSession session = OnnxEnvironment.get().createSession(TestModels.tableLookup(),
        new OrtSession.SessionOptions())) {
      OnnxRunner runner = new OnnxRunner(OnnxEnvironment.get(), session, "m", "1",
          SignatureResolver.resolve(session, null), new VersionStatistics(), 1);
      assertThat(lookUp(runner, 2)).isEqualTo(30f);
      for (int request = 0; request < 10; request++) {
        assertThatThrownBy(() -> lookUp(runner, 7)).isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
      }
      assertThat(runner.unpinnedRetries()).as("second runs of 10 failing requests")
          .isEqualTo(OnnxRunner.INCONCLUSIVE_RETRIES);
      // the model's shapes held: it keeps pinning, and good requests are answered as before
      assertThat(runner.pinsOutputs()).isTrue();
      assertThat(lookUp(runner, -1)).isEqualTo(40f);
      assertThat(runner.unpinnedRetries()).isEqualTo(OnnxRunner.INCONCLUSIVE_RETRIES);
      // good runs give the budget back slowly: one more retry after RUNS_PER_REFILL successful runs in all
      for (int request = 2; request < OnnxRunner.RUNS_PER_REFILL; request++) {
        lookUp(runner, 1);
      }
      for (int request = 0; request < 3; request++) {
        assertThatThrownBy(() -> lookUp(runner, 7)).isInstanceOf(InferenceException.class);
      }
      assertThat(runner.unpinnedRetries()).isEqualTo(OnnxRunner.INCONCLUSIVE_RETRIES + 1);
      runner.close();
    }
  }

  @Test
  void failingRequestsThatSpendTheBudgetFirstDoNotLeaveAContradictingModelFailingGoodRequests() throws Exception {
    // y declared as [2] (as a config.pbtxt may narrow it), computed as [1]: every pinned run fails, and so does
    // every unpinned run of a bad index
    try (OrtSession session = OnnxEnvironment.get().createSession(TestModels.tableLookup(),
        new OrtSession.SessionOptions())) {
      ModelSignature declared = new ModelSignature(List.of(new TensorSpec("index", DataType.INT64, new long[] {1})),
          List.of(new TensorSpec("y", DataType.FP32, new long[] {2})), 0);
      OnnxRunner runner = new OnnxRunner(OnnxEnvironment.get(), session, "m", "1", declared,
          new VersionStatistics(), 1);
      for (int request = 0; request < OnnxRunner.INCONCLUSIVE_RETRIES; request++) {
        assertThat(runner.pinsOutputs()).isTrue();
        assertThatThrownBy(() -> lookUp(runner, 9)).isInstanceOf(InferenceException.class);
      }
      // no pinned run ever succeeded and the budget is spent: pinning stops instead of retries
      assertThat(runner.pinsOutputs()).isFalse();
      assertThat(lookUp(runner, 0)).isEqualTo(10f);
      assertThatThrownBy(() -> lookUp(runner, 9)).isInstanceOf(InferenceException.class);
      assertThat(runner.unpinnedRetries()).isEqualTo(OnnxRunner.INCONCLUSIVE_RETRIES);
      runner.close();
    }
  }

  @Test
  void whatTheWarmUpFindsHoldsForTheRunnerThatServes(@TempDir Path repository) throws Exception {
    TestModels.writeModel(repository, "m", 1, TestModels.contradictsDeclaredShape());
    TestModels.writeConfig(repository, "m", ModelConfig.newBuilder()
        .addOutput(ModelOutput.newBuilder().setName("y").setDataType(io.sluice.proto.config.DataType.TYPE_FP32)
            .addDims(2))
        .build());
    ModelVersion version = new VersionLoader(RuntimeOptions.defaults())
        .load(new ModelRepository(repository).read("m"), 1);
    try {
      // the config says y is [2]; the default warm-up (zeros) found it is not, so the first real request pays
    // nothing for it
      assertThat(version.runner().pinsOutputs()).isFalse();
      assertThat(version.runner().unpinnedRetries()).isEqualTo(1);
      InferenceResponse response = version.submit(new InferenceRequest("m", "", "r1",
          List.of(Tensors.ofFloats("x", new long[] {3}, 1f, 2f, 3f)), List.of(), System.nanoTime())).join();
      assertThat(Tensors.toFloats(response.outputs().get(0))).containsExactly(1f, 2f, 3f);
      assertThat(version.runner().unpinnedRetries()).isEqualTo(1);
      assertThat(version.statistics().snapshot().success().count()).as("warm-up runs are not counted")
          .isEqualTo(1);
    } finally {
      version.close();
    }
  }

  private static float lookUp(OnnxRunner runner, long index) {
    ModelExecutor.Execution answer = runner.execute(
        List.of(Tensors.ofLongs("index", new long[] {1}, index)), List.of("y"), RunGuard.NONE);
    return Tensors.toFloats(answer.outputs().get(0))[0];
  }

  private static Tensor input(TensorSpec spec) {
    long[] shape = spec.shape();
    int count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = 1;
      }
      count *= (int) shape[i];
    }
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = i;
    }
    return Tensors.ofFloats(spec.name(), shape, values);
  }
}
