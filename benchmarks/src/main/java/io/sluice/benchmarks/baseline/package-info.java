/**
 * The baseline comparison ({@code benchmarks/run-baseline.sh}): the floors Sluice is measured against on the same
 * machine and model, each a small main in {@code sluice-jmh.jar}.
 *
 * <ul>
 *   <li>{@link io.sluice.benchmarks.baseline.OrtBaseline}: ONNX Runtime called in-process, the compute floor.
 *   <li>{@link io.sluice.benchmarks.baseline.EchoHttpServer} and {@link io.sluice.benchmarks.baseline.EchoGrpcServer}:
 *       servers on the gateway's transports that answer every infer request with a canned response of the same
 *       size, the transport floors.
 *   <li>{@link io.sluice.benchmarks.baseline.BaselineReport}: the table and ratios, written into
 *       {@code docs/BENCHMARKS.md}.
 * </ul>
 */
package io.sluice.benchmarks.baseline;
