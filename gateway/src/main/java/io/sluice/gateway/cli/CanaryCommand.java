package io.sluice.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sluice canary ...}: operator commands against a running server's admin API. */
@Command(
    name = "canary",
    mixinStandardHelpOptions = true,
    description = "Traffic splits and rollouts of a running server (through its admin API).")
final class CanaryCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
