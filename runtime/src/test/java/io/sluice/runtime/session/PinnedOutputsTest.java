package io.sluice.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import io.sluice.runtime.exec.ModelExecutor;
import io.sluice.runtime.exec.RunGuard;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.onnx.OnnxModelBuilder;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Outputs whose shape the signature fixes are preallocated and written in place by ONNX Runtime; others (BYTES,
 * data-dependent dimensions) are left to it; a model whose outputs contradict their declared shapes falls back
 * to copying and still answers.
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
    byte[] lying = OnnxModelBuilder.graph("lying")
        .input("x", TensorProto.DataType.FLOAT, 3)
        .node("Identity", List.of("x"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, 2)
        .toByteArray();
    try (OrtSession session = OnnxEnvironment.get().createSession(lying, new OrtSession.SessionOptions())) {
      ModelSignature declared = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32, new long[] {3})),
          List.of(new TensorSpec("y", DataType.FP32, new long[] {2})), 0);
      OnnxRunner runner = new OnnxRunner(OnnxEnvironment.get(), session, "m", "1", declared,
          new VersionStatistics(), 1);
      ModelExecutor.Execution answer = runner.execute(
          List.of(Tensors.ofFloats("x", new long[] {3}, 1f, 2f, 3f)), List.of("y"), RunGuard.NONE);
      assertThat(Tensors.toFloats(answer.outputs().get(0))).containsExactly(1f, 2f, 3f);
      assertThat(runner.pinsOutputs()).isFalse();
      runner.close();
    }
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
