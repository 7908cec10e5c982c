/**
 * JMH suites for the gateway's hot path, packaged in {@code benchmarks/target/sluice-jmh.jar} (main class
 * {@code org.openjdk.jmh.Main}); they compile with the module but never run during {@code mvn verify}.
 *
 * <ul>
 *   <li>{@link io.sluice.benchmarks.jmh.HttpDecodeBenchmark}: HTTP request bodies (JSON and the binary tensor
 *       extension) to input tensors.
 *   <li>{@link io.sluice.benchmarks.jmh.GrpcDecodeBenchmark}: gRPC {@code raw_input_contents} to input tensors.
 *   <li>{@link io.sluice.benchmarks.jmh.TensorBenchmark}: wire bytes to an ONNX Runtime input tensor.
 *   <li>{@link io.sluice.benchmarks.jmh.CanaryRouteBenchmark}: the canary pick.
 *   <li>{@link io.sluice.benchmarks.jmh.LatencyRecordBenchmark}: per-request latency recording.
 *   <li>{@link io.sluice.benchmarks.jmh.DispatchBenchmark}: one request through the in-process dispatch path
 *       to a tiny model.
 *   <li>{@link io.sluice.benchmarks.jmh.BatchingThroughputBenchmark}: many requests in flight through the
 *       dispatcher to the benchmark MLP and image models, dynamic batching on and off (throughput).
 * </ul>
 *
 * <p>Package-private gateway code is reached through the {@code BenchmarkAccess} classes this module adds to
 * the gateway's packages ({@code io.sluice.gateway.http}, {@code .grpc}, {@code .metrics}). Run with
 * {@code -prof gc} for bytes allocated per operation; see {@code docs/BENCHMARKS.md}.
 */
package io.sluice.benchmarks.jmh;
