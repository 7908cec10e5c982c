package io.sluice.canary.gates;

/**
 * The outcome of one gate in one evaluation, with the numbers behind it.
 *
 * @param gate which check
 * @param verdict pass, fail, or skipped (not enough data)
 * @param value the canary's measured value (error rate, latency ratio, output diff, drift score), NaN when
 *     not measured
 * @param baseline the stable version's value it was compared with (stable error rate, stable p99 micros),
 *     NaN when not applicable
 * @param threshold the limit {@code value} had to stay at or below
 * @param detail one readable sentence with the numbers, e.g.
 *     {@code canary error rate 0.5000 (500 of 1000) > max 0.0100}
 */
public record GateResult(Gate gate, Verdict verdict, double value, double baseline, double threshold,
    String detail) {

  /** Outcome of one gate. */
  public enum Verdict {
    PASS,
    FAIL,
    /** Not enough data to judge; neither passes nor fails. */
    SKIPPED
  }

  public GateResult {
    if (gate == null) {
      throw new IllegalArgumentException("gate: null (expected: a Gate)");
    }
    if (verdict == null) {
      throw new IllegalArgumentException("verdict: null (expected: PASS, FAIL or SKIPPED)");
    }
    detail = detail == null ? "" : detail;
  }

  public boolean failed() {
    return verdict == Verdict.FAIL;
  }
}
