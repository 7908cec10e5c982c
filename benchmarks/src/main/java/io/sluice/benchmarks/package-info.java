/**
 * Benchmarks for Sluice and any Open Inference Protocol (KServe v2) server.
 *
 * <ul>
 *   <li>{@link io.sluice.benchmarks.load}: the open-loop load generator ({@code sluice-bench.jar}), entry point
 *       {@link io.sluice.benchmarks.load.SluiceBench}.
 *   <li>{@code io.sluice.benchmarks.jmh} (to come): JMH suites for the gateway's hot path.
 * </ul>
 */
package io.sluice.benchmarks;
