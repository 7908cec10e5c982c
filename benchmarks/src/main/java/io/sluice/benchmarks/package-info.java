/**
 * Benchmarks for Sluice and any Open Inference Protocol (KServe v2) server.
 *
 * <ul>
 *   <li>{@link io.sluice.benchmarks.load}: the open-loop load generator ({@code sluice-bench.jar}), entry point
 *       {@link io.sluice.benchmarks.load.SluiceBench}.
 *   <li>{@link io.sluice.benchmarks.jmh}: JMH suites for the gateway's hot path ({@code sluice-jmh.jar}).
 *   <li>{@link io.sluice.benchmarks.baseline}: the floors of the baseline comparison (in-process ONNX Runtime,
 *       echo servers) and its report ({@code run-baseline.sh}).
 * </ul>
 */
package io.sluice.benchmarks;
