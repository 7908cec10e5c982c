package io.sluice.benchmarks.load.client;

/**
 * The target cannot serve the benchmark: unreachable, unknown model, or unusable metadata. The message is one
 * line meant for the person running the benchmark.
 */
public final class TargetException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message. */
  public TargetException(String message) {
    super(message, null, false, false);
  }
}
