package io.sluice.gateway.metrics;

import java.util.List;
import java.util.Locale;

/**
 * The spans of one successful request that the gateway measures, all from {@link System#nanoTime()}
 * readings taken on the request path. They relate to the statistics extension's phases like this:
 * {@link #DECODE} is building the input tensors from the request bytes (the gateway's share of
 * {@code compute_input}); {@link #EXECUTE} is {@code queue + compute_input + compute_infer + compute_output} as
 * the runtime measures them (per-request values of those are in the statistics extension as sums);
 * {@link #ENCODE} is encoding the answer and writing it.
 */
public enum LatencyPhase {
  /** End to end: from the first bytes of the request seen to the last byte of the answer written. */
  TOTAL,
  /** From the first bytes seen to the decoded request handed to the dispatcher. */
  DECODE,
  /** From dispatch to the answer ready: routing, admission, queueing and the model run. */
  EXECUTE,
  /** From the answer ready to its last byte written: encoding and the write. */
  ENCODE;

  /** Every value in declaration order, without the copy {@code values()} makes. */
  public static final List<LatencyPhase> ALL = List.of(values());

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The lowercase name used in JSON and query parameters, e.g. {@code total}. */
  public String tag() {
    return tag;
  }

  /** The phase named {@code tag}, or null. */
  public static LatencyPhase fromTag(String tag) {
    for (LatencyPhase phase : ALL) {
      if (phase.tag.equals(tag)) {
        return phase;
      }
    }
    return null;
  }
}
