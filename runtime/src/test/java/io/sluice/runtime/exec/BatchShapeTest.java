package io.sluice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchShapeTest {
  private static Tensor floats(String name, long... shape) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    return Tensors.ofFloats(name, shape, new float[(int) count]);
  }

  private static BatchShape shapeOf(Tensor... inputs) {
    return BatchShape.of(new InferenceRequest("m", "", "", List.of(inputs), List.of(), 0));
  }

  @Test
  void requestsDifferingOnlyInTheBatchDimensionOrInputOrderJoin() {
    BatchShape one = shapeOf(floats("a", 1, 3), floats("b", 1, 2, 2));
    BatchShape four = shapeOf(floats("b", 4, 2, 2), floats("a", 4, 3));
    assertThat(one.joins(four)).isTrue();
    assertThat(four.joins(one)).isTrue();
    assertThat(one.hashCode()).isEqualTo(four.hashCode());
  }

  @Test
  void anyOtherDifferenceKeepsRequestsApart() {
    BatchShape base = shapeOf(floats("a", 1, 3));
    assertThat(base.joins(shapeOf(floats("a", 1, 4)))).as("inner dimension").isFalse();
    assertThat(base.joins(shapeOf(floats("a", 1, 3, 1)))).as("rank").isFalse();
    assertThat(base.joins(shapeOf(floats("b", 1, 3)))).as("name").isFalse();
    assertThat(base.joins(shapeOf(floats("a", 1, 3), floats("b", 1, 3)))).as("inputs").isFalse();
    assertThat(base.joins(shapeOf(Tensors.ofLongs("a", new long[] {1, 3}, new long[3])))).as("datatype").isFalse();
  }

  @Test
  void aRequestMatchesTheShapeItJoins() {
    BatchShape shape = shapeOf(floats("a", 1, 3), floats("b", 1, 2, 2));
    assertThat(shape.matches(request(floats("b", 5, 2, 2), floats("a", 5, 3)))).isTrue();
    assertThat(shape.matches(request(floats("a", 5, 3)))).isFalse();
    assertThat(shape.matches(request(floats("a", 5, 3), floats("b", 5, 2, 3)))).isFalse();
    assertThat(shape.matches(request(floats("a", 5, 3), floats("c", 5, 2, 2)))).isFalse();
    assertThat(shape.matches(request(floats("a", 5, 3), floats("b", 5, 4)))).isFalse();
    assertThat(shape.matches(request(Tensors.ofLongs("a", new long[] {1, 3}, new long[3]), floats("b", 1, 2, 2))))
        .isFalse();
  }

  private static InferenceRequest request(Tensor... inputs) {
    return new InferenceRequest("m", "", "", List.of(inputs), List.of(), 0);
  }
}
