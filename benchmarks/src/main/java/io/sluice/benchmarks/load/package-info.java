/**
 * The open-loop load generator ({@code sluice-bench.jar}) for Open Inference Protocol servers.
 *
 * <p>Entry point: {@link io.sluice.benchmarks.load.SluiceBench} (command line). A benchmark
 * ({@code Benchmark}) reads the model's metadata, builds inputs, then runs a {@code LoadRun}: an
 * {@code OpenLoopDriver} sends at scheduled times ({@link io.sluice.benchmarks.load.ArrivalSchedule}) or a
 * {@code ClosedLoopDriver} keeps a fixed concurrency; the {@link io.sluice.benchmarks.load.LatencyCollector}
 * records latency from each request's intended send time into HdrHistogram recorders (coordinated-omission
 * free). {@code RateSweep} repeats runs at rising rates. Results: {@code summary.json} ({@code SummaryJson}),
 * {@code latency.hlog}, {@code report.html} ({@link io.sluice.benchmarks.load.report}).
 *
 * <p>When the client itself cannot offer the load, the run says so ({@link io.sluice.benchmarks.load.ClientLimit})
 * and exits non-zero ({@link io.sluice.benchmarks.load.ExitCodes}); it never silently sends fewer requests.
 */
package io.sluice.benchmarks.load;
