package io.sluice.benchmarks.load.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetAndSpecTest {

  @Test
  void parsesTargetsWithTritonDefaultPorts() {
    assertThat(Target.parse("http://localhost:8080")).isEqualTo(new Target(Target.Protocol.HTTP, "localhost", 8080));
    assertThat(Target.parse("grpc://10.1.2.3")).isEqualTo(new Target(Target.Protocol.GRPC, "10.1.2.3", 8001));
    assertThat(Target.parse("http://h").port()).isEqualTo(8000);
    assertThat(Target.parse("HTTP://[::1]:9000").toString()).isEqualTo("http://[::1]:9000");
  }

  @Test
  void rejectsOtherTargetsNamingTheExpectedForm() {
    for (String bad : new String[] {"https://h:1", "localhost:8000", "http://h:1/v2", "grpc://"}) {
      assertThatThrownBy(() -> Target.parse(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected: http://HOST:PORT or grpc://HOST:PORT");
    }
  }

  @Test
  void parsesInputSpecs() {
    TensorSpec spec = TensorSpec.parse("features:fp32:1x4");

    assertThat(spec.name()).isEqualTo("features");
    assertThat(spec.datatype()).isEqualTo(Datatype.FP32);
    assertThat(spec.shape()).containsExactly(1, 4);
    assertThat(TensorSpec.parse("ids:TYPE_INT64:-1,8").concreteShape()).containsExactly(1, 8);
    assertThat(TensorSpec.parse("text:STRING:").shape()).isEmpty();
    assertThat(TensorSpec.parse("text:STRING:").datatype()).isEqualTo(Datatype.BYTES);
  }

  @Test
  void rejectsBadInputSpecsWithTheExpectedForm() {
    assertThatThrownBy(() -> TensorSpec.parse("features:FP32")).hasMessageContaining("expected: NAME:DATATYPE:SHAPE");
    assertThatThrownBy(() -> TensorSpec.parse("features:FP32:1xa")).hasMessageContaining("dimension 'a'");
    assertThatThrownBy(() -> TensorSpec.parse("features:FLOAT:1")).hasMessageContaining("datatype: 'FLOAT'")
        .hasMessageContaining("FP32");
    assertThatThrownBy(() -> TensorSpec.parse("features:FP32:1x-2")).hasMessageContaining("expected: dimensions >= 0");
  }
}
