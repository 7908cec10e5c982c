package io.sluice.gateway.cli;

import io.sluice.gateway.SluiceServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice}: the command line's root; every sub-command answers {@code --help}. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceCommand.Version.class,
    description = "Sluice: a model-serving gateway for ONNX models over the Open Inference Protocol.",
    subcommands = {ServeCommand.class, GenerateSamplesCommand.class, DriftCommand.class, CanaryCommand.class,
        CommandLine.HelpCommand.class})
public final class SluiceCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    }
    int exitCode = new CommandLine(new SluiceCommand()).execute(args);
    if (exitCode != 0 || !ServeCommand.isServing()) {
      System.exit(exitCode);
    }
  }

  /** Reports the server version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sluice " + SluiceServer.VERSION};
    }
  }
}
