package io.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.drift.DriftServiceOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The drift options of {@code sluice serve}: {@code --state-dir} keeps captured baselines, the payload log flags. */
class ServeDriftOptionsTest {
  @TempDir
  Path directory;

  private static ServeCommand parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  @Test
  void theStateDirectoryKeepsCapturedBaselines() {
    DriftServiceOptions options = parse("--state-dir", directory.toString()).driftOptions();
    assertThat(options.stateDirectory()).contains(directory.toAbsolutePath().normalize());
    assertThat(options.baselineDirectory()).contains(directory.toAbsolutePath().normalize().resolve("drift"));
    assertThat(options.payloadLogDirectory()).isEmpty();
  }

  @Test
  void withoutFlagsTheDefaultsApply() {
    DriftServiceOptions options = parse().driftOptions();
    assertThat(options).isEqualTo(DriftServiceOptions.defaults());
    assertThat(options.baselineDirectory()).isEmpty();
  }

  @Test
  void thePayloadLogFlagsStillApply() {
    Path logs = directory.resolve("logs");
    DriftServiceOptions options = parse("--payload-log-dir", logs.toString(), "--payload-log-max-mb", "2",
        "--payload-log-max-files", "3", "--state-dir", directory.toString()).driftOptions();
    assertThat(options.payloadLogDirectory()).contains(logs);
    assertThat(options.payloadLogMaxFileBytes()).isEqualTo(2L << 20);
    assertThat(options.payloadLogMaxFiles()).isEqualTo(3);
    assertThat(options.stateDirectory()).isPresent();
  }

  @Test
  void theHelpOfStateDirMentionsDriftBaselines() {
    String description = String.join(" ", new CommandLine(new ServeCommand()).getCommandSpec()
        .findOption("--state-dir").description());
    assertThat(description).contains("canary/<model>.json").contains("drift baselines").contains("drift/<model>.json");
  }
}
