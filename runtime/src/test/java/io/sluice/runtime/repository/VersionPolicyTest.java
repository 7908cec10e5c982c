package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelVersionPolicy;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VersionPolicyTest {
  private static final Set<Long> AVAILABLE = Set.of(1L, 2L, 5L, 9L);

  private static ModelConfig with(ModelVersionPolicy policy) {
    return ModelConfig.newBuilder().setVersionPolicy(policy).build();
  }

  @Test
  void latestOneIsTheDefault() throws Exception {
    assertThat(VersionPolicy.select(null, AVAILABLE)).containsExactly(9L);
    assertThat(VersionPolicy.select(ModelConfig.getDefaultInstance(), AVAILABLE)).containsExactly(9L);
  }

  @Test
  void latestNAllAndSpecific() throws Exception {
    assertThat(VersionPolicy.select(with(ModelVersionPolicy.newBuilder()
        .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(2)).build()), AVAILABLE))
        .containsExactly(5L, 9L);
    assertThat(VersionPolicy.select(with(ModelVersionPolicy.newBuilder()
        .setAll(ModelVersionPolicy.All.getDefaultInstance()).build()), AVAILABLE))
        .containsExactly(1L, 2L, 5L, 9L);
    assertThat(VersionPolicy.select(with(ModelVersionPolicy.newBuilder()
        .setSpecific(ModelVersionPolicy.Specific.newBuilder().addVersions(2).addVersions(3)).build()), AVAILABLE))
        .containsExactly(2L);
  }

  @Test
  void latestZeroIsAConfigError() {
    assertThatThrownBy(() -> VersionPolicy.select(with(ModelVersionPolicy.newBuilder()
        .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(0)).build()), AVAILABLE))
        .hasMessageContaining("num_versions 0 (expected: > 0)");
  }
}
