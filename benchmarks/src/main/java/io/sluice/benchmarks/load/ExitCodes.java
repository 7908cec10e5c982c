package io.sluice.benchmarks.load;

/** The load generator's exit codes, for scripts. */
public final class ExitCodes {

  /** The run completed and is a valid measurement. */
  public static final int OK = 0;
  /** An unexpected failure, such as results that cannot be written. */
  public static final int FAILURE = 1;
  /** Bad arguments or input data. */
  public static final int USAGE = 2;
  /** The target is unreachable, does not know the model, or returned unusable metadata. */
  public static final int TARGET = 3;
  /** The client could not offer the requested load (results were written, flagged). */
  public static final int CLIENT_LIMIT = 4;
  /** Every measured request failed. */
  public static final int ALL_FAILED = 5;
  /** Sweep: not even the first step met the p99 threshold. */
  public static final int NOT_SUSTAINABLE = 6;

  private ExitCodes() {}
}
