/**
 * JMH suites for the hot path and the open-loop load generator ({@code sluice-bench.jar}). Filled in by the
 * benchmarks issue.
 */
package io.sluice.benchmarks;
