package io.sluice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {
  private static InferenceRequest request(float x, long id) {
    return new InferenceRequest("m", "", "", List.of(
        Tensors.ofFloats("a", new long[] {1, 2}, x, x + 1),
        Tensors.ofLongs("b", new long[] {1}, id)), List.of(), 0);
  }

  @Test
  void concatenatesEachInputIntoItsOwnRegionOfOneReusedBuffer() {
    BatchAssembler.Scratch scratch = new BatchAssembler.Scratch();
    List<Tensor> first = BatchAssembler.concatenate(List.of(request(1, 10), request(3, 11)), scratch);
    assertThat(first.get(0).shape()).containsExactly(2, 2);
    assertThat(Tensors.toFloats(first.get(0))).containsExactly(1, 2, 3, 4);
    assertThat(Tensors.toLongs(first.get(1))).containsExactly(10, 11);
    assertThat(first.get(0).data().isDirect()).isTrue();

    List<Tensor> second = BatchAssembler.concatenate(List.of(request(5, 20), request(7, 21), request(9, 22)),
        scratch);
    assertThat(Tensors.toFloats(second.get(0))).containsExactly(5, 6, 7, 8, 9, 10);
    assertThat(Tensors.toLongs(second.get(1))).containsExactly(20, 21, 22);
    // the first batch's region was reused: its tensors are only valid until the next batch
    assertThat(Tensors.toFloats(first.get(0))).containsExactly(5, 6, 7, 8);
  }

  @Test
  void batchesLargerThanWhatIsKeptGetABufferOfTheirOwn() {
    BatchAssembler.Scratch scratch = new BatchAssembler.Scratch();
    java.nio.ByteBuffer small = scratch.take(64);
    java.nio.ByteBuffer huge = scratch.take(BatchAssembler.Scratch.MAX_KEPT_BYTES + 1);
    assertThat(huge.capacity()).isEqualTo(BatchAssembler.Scratch.MAX_KEPT_BYTES + 1);
    small.putLong(0, 42);
    assertThat(scratch.take(64).getLong(0)).as("the kept buffer is still the small one").isEqualTo(42);
  }
}
