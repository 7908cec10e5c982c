package io.sluice.runtime.session;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {
  private final ModelSignature signature = new ModelSignature(
      List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 2}),
          new TensorSpec("ids", DataType.INT64, new long[] {-1})),
      List.of(new TensorSpec("y", DataType.FP32, new long[] {-1})), 4);

  private static InferenceRequest request(List<Tensor> inputs, List<String> outputs) {
    return new InferenceRequest("m", "", "", inputs, outputs, 0);
  }

  private static Tensor x(long batch) {
    return Tensors.ofFloats("x", new long[] {batch, 2}, new float[(int) batch * 2]);
  }

  private static Tensor ids(long batch) {
    return Tensors.ofLongs("ids", new long[] {batch}, new long[(int) batch]);
  }

  @Test
  void acceptsAMatchingRequest() {
    assertThatCode(() -> signature.validate(request(List.of(x(2), ids(2)), List.of("y"))))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsUnknownMissingAndDuplicateInputs() {
    Tensor stray = Tensors.ofFloats("z", new long[] {1}, 0f);
    assertThatThrownBy(() -> signature.validate(request(List.of(x(1), ids(1), stray), List.of())))
        .hasMessage("unknown input 'z' (expected one of: x, ids)");
    assertThatThrownBy(() -> signature.validate(request(List.of(x(1)), List.of())))
        .hasMessage("missing input 'ids'");
    assertThatThrownBy(() -> signature.validate(request(List.of(x(1), x(1)), List.of())))
        .hasMessage("duplicate input 'x'");
  }

  @Test
  void rejectsWrongDatatypeShapeAndBatch() {
    Tensor longs = Tensors.ofLongs("x", new long[] {1, 2}, 1, 2);
    assertThatThrownBy(() -> signature.validate(request(List.of(longs, ids(1)), List.of())))
        .hasMessage("input 'x': datatype INT64 (expected: FP32)");
    Tensor wide = Tensors.ofFloats("x", new long[] {1, 3}, 1, 2, 3);
    assertThatThrownBy(() -> signature.validate(request(List.of(wide, ids(1)), List.of())))
        .hasMessageContaining("input 'x': shape [1,3] (expected: [-1,2]");
    assertThatThrownBy(() -> signature.validate(request(List.of(x(5), ids(5)), List.of())))
        .hasMessage("input 'x': batch size 5 (expected: <= 4)");
  }

  @Test
  void rejectsUnknownAndDuplicateOutputs() {
    assertThatThrownBy(() -> signature.validate(request(List.of(x(1), ids(1)), List.of("nope"))))
        .hasMessage("unknown output 'nope' (expected one of: y)");
    assertThatThrownBy(() -> signature.validate(request(List.of(x(1), ids(1)), List.of("y", "y"))))
        .hasMessage("duplicate output 'y'");
  }
}
