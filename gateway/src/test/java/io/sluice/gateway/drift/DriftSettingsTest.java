package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelParameter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftSettingsTest {
  @TempDir
  Path directory;

  static ModelConfig config(String... keysAndValues) {
    ModelConfig.Builder builder = ModelConfig.newBuilder().setName("m");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      builder.putParameters(keysAndValues[i], ModelParameter.newBuilder().setStringValue(keysAndValues[i + 1]).build());
    }
    return builder.build();
  }

  @Test
  void defaultsWhenNothingIsSet() {
    DriftSettings settings = DriftSettings.from(config("other.parameter", "x"));
    assertThat(settings).isEqualTo(DriftSettings.disabled());
    assertThat(settings.samplingEnabled()).isFalse();
    assertThat(settings.driftEnabled()).isFalse();
    assertThat(settings.window()).isEqualTo(500);
    assertThat(settings.pValue()).isEqualTo(0.05);
    assertThat(settings.driftShare()).isEqualTo(0.5);
  }

  @Test
  void readsEveryParameter() {
    DriftSettings settings = DriftSettings.from(config(
        "sluice.sample_rate", "0.25",
        "sluice.drift.baseline", "drift/baseline.json",
        "sluice.drift.window", "200",
        "sluice.drift.window_seconds", "60",
        "sluice.drift.p_value", "0.01",
        "sluice.drift.share", "0.3",
        "sluice.drift.webhook", "https://hooks.example.com/drift"));
    assertThat(settings.sampleRate()).isEqualTo(0.25);
    assertThat(settings.baselineFile()).contains("drift/baseline.json");
    assertThat(settings.window()).isEqualTo(200);
    assertThat(settings.windowTime()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.pValue()).isEqualTo(0.01);
    assertThat(settings.driftShare()).isEqualTo(0.3);
    assertThat(settings.webhook()).contains(URI.create("https://hooks.example.com/drift"));
    assertThat(settings.driftEnabled()).isTrue();
    DriftSettings capture = DriftSettings.from(config("sluice.sample_rate", "1", "sluice.drift.baseline_samples", "300"));
    assertThat(capture.baselineSamples()).isEqualTo(300);
    assertThat(capture.driftEnabled()).isTrue();
  }

  @Test
  void invalidValuesAreClearErrors() {
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.sample_rate", "1.5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sluice.sample_rate: 1.5 (expected: a number in [0, 1])");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.sample_rate", "half")))
        .hasMessage("sluice.sample_rate: 'half' (expected: a number)");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.window", "0")))
        .hasMessage("sluice.drift.window: '0' (expected: an integer in 1..1000000)");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.window_seconds", "-5")))
        .hasMessageContaining("sluice.drift.window_seconds: '-5'");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.p_value", "1")))
        .hasMessage("sluice.drift.p_value: 1.0 (expected: a number in (0, 1))");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.share", "0")))
        .hasMessage("sluice.drift.share: 0.0 (expected: a number in (0, 1])");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.baseline", "b.json",
        "sluice.drift.baseline_samples", "10")))
        .hasMessageContaining("are both set (expected: one baseline source)");
    assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.windw", "10")))
        .hasMessageStartingWith("unknown parameter sluice.drift.windw (expected one of: sluice.drift.baseline,");
  }

  @Test
  void webhookMustBeHttpOrHttpsAndIsNotEchoed() {
    for (String url : new String[] {"ftp://example.com/x", "file:///etc/passwd", "not a url", "/relative",
        "https://user:secret@/nohost"}) {
      assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.webhook", url)))
          .as(url)
          .hasMessage("sluice.drift.webhook: not an http or https URL with a host");
    }
    assertThat(DriftSettings.from(config("sluice.drift.webhook", "HTTP://127.0.0.1:8080/hook")).webhook())
        .isPresent();
  }

  @Test
  void baselineMustStayInsideTheModelDirectory() throws IOException {
    for (String name : new String[] {"../escape.json", "/etc/passwd", "a/../../b.json", "."}) {
      assertThatThrownBy(() -> DriftSettings.from(config("sluice.drift.baseline", name)))
          .as(name)
          .hasMessageContaining("sluice.drift.baseline: '" + name + "'");
    }
    Path model = Files.createDirectories(directory.resolve("model"));
    Files.writeString(model.resolve("baseline.json"), "{}");
    DriftSettings settings = settings("baseline.json");
    assertThat(settings.resolveBaseline(model)).isEqualTo(model.resolve("baseline.json").toAbsolutePath());
    assertThatThrownBy(() -> settings("missing.json").resolveBaseline(model))
        .hasMessage("sluice.drift.baseline: 'missing.json' is not a file in the model directory");

    Path outside = Files.writeString(directory.resolve("outside.json"), "{}");
    Files.createSymbolicLink(model.resolve("link.json"), outside);
    assertThatThrownBy(() -> settings("link.json").resolveBaseline(model))
        .hasMessage("sluice.drift.baseline: 'link.json' resolves outside the model directory (expected: a file"
            + " inside it)");
  }

  private static DriftSettings settings(String baseline) {
    return new DriftSettings(1, Optional.of(baseline), 0, 10, Duration.ZERO, 0.05, 0.5, Optional.empty());
  }
}
