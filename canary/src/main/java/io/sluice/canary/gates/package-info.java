/**
 * Rollout gates: the checks that decide whether a canary version may take more traffic, comparing it with
 * the stable version over the same sliding window.
 *
 * <p>The gateway supplies the measurements by implementing {@link io.sluice.canary.gates.WindowedSignals}
 * (one {@link io.sluice.canary.gates.VersionWindow} per version and window, and an optional drift score).
 * {@link io.sluice.canary.gates.Gates} holds the thresholds (with documented defaults) and
 * {@link io.sluice.canary.gates.GateEvaluator#evaluate} turns measurements into one
 * {@link io.sluice.canary.gates.GateResult} per {@link io.sluice.canary.gates.Gate}, each with its numbers.
 */
package io.sluice.canary.gates;
