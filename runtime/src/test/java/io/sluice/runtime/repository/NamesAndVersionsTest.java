package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesAndVersionsTest {

  @Test
  void modelNamesFollowTheAllowlist() {
    assertThat(ModelName.isValid("resnet-50_v1.2")).isTrue();
    for (String bad : new String[] {"", ".", "..", "../etc", "a/b", "a\\b", "a\0b", "a b", "mödel",
        "%2e%2e", "x".repeat(ModelName.MAX_LENGTH + 1)}) {
      assertThat(ModelName.isValid(bad)).as(bad).isFalse();
    }
  }

  @Test
  void versionsAreDecimal() {
    assertThat(VersionNumber.parse("")).isEqualTo(VersionNumber.UNSPECIFIED);
    assertThat(VersionNumber.parse("12")).isEqualTo(12);
    for (String bad : new String[] {"-1", "1.0", "abc", " 1", "9".repeat(19)}) {
      assertThatThrownBy(() -> VersionNumber.parse(bad)).as(bad).hasMessageContaining("malformed model version");
    }
  }

  @Test
  void messagesNeverEchoControlCharacters() {
    assertThat(ModelName.forMessage("a\nb\u0000c")).isEqualTo("a?b?c");
  }
}
