package io.sluice.gateway.cli;

import io.sluice.gateway.drift.BaselineProfile;
import io.sluice.gateway.drift.BaselineProfiles;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice drift ...}: drift detection tools. */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = "Drift detection tools.",
    subcommands = {DriftCommand.Baseline.class})
final class DriftCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code sluice drift baseline}: builds a baseline profile from a JSON-lines sample of training data. */
  @Command(
      name = "baseline",
      mixinStandardHelpOptions = true,
      description = "Build a drift baseline profile for a model from JSON lines of requests "
          + "({\"inputs\":[{\"name\",\"shape\",\"datatype\",\"data\"}]} per line).")
  static final class Baseline implements Callable<Integer> {
    @Option(names = "--model-repository", defaultValue = "models",
        description = "Model repository holding the model (default: ${DEFAULT-VALUE}).")
    Path repository;

    @Option(names = "--model", required = true, description = "Model name.")
    String model;

    @Option(names = "--data", required = true, description = "JSON-lines file of training inputs.")
    Path data;

    @Option(names = "--output", required = true,
        description = "Where to write the profile (put it in the model directory and name it in config.pbtxt "
            + "parameters as sluice.drift.baseline).")
    Path output;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(data)) {
        System.err.println("sluice drift baseline: --data " + data + " is not a readable file");
        return 2;
      }
      ModelRepository models = new ModelRepository(repository);
      ModelVersion version;
      try {
        var source = models.read(model);
        if (source.versionFiles().isEmpty()) {
          System.err.println("sluice drift baseline: model '" + model + "' has no version to read its inputs from");
          return 2;
        }
        version = new VersionLoader(new RuntimeOptions(1, 1, 1, "cpu")).load(source, source.versionFiles().lastKey());
      } catch (ModelLoadException e) {
        System.err.println("sluice drift baseline: model '" + model + "': " + e.getMessage());
        return 2;
      }
      try {
        BaselineProfile profile = BaselineProfiles.fromJsonLines(version.signature(), data);
        profile.write(output);
        System.out.println("baseline of " + profile.samples() + " samples for model " + model + " written to "
            + output);
        return 0;
      } catch (IllegalArgumentException e) {
        System.err.println("sluice drift baseline: " + e.getMessage());
        return 2;
      } finally {
        version.close(1000);
      }
    }
  }
}
