package io.sluice.benchmarks.load;

/**
 * The client could not offer the requested load, so the run is not a valid measurement of the server at that
 * load. Never silently sending fewer requests is the point: the run stops or is flagged and the command exits
 * non-zero.
 *
 * @param kind what ran out
 * @param message one line for the person running the benchmark
 */
public record ClientLimit(Kind kind, String message) {

  /** What ran out. */
  public enum Kind {
    /** Sends fell behind their schedule beyond the tolerance: the client lacks CPU or threads. */
    SCHEDULE_LAG,
    /** Too many requests in flight: the server is slower than the offered rate, or the limit is too low. */
    OUTSTANDING
  }
}
