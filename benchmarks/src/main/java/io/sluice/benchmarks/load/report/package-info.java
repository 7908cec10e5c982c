/**
 * The load generator's report files: the self-contained HTML latency-by-percentile report
 * ({@link io.sluice.benchmarks.load.report.HtmlReport}) and reading HdrHistogram interval logs back
 * ({@link io.sluice.benchmarks.load.report.LatencyLogs}). Plain functions of histograms: no network, no
 * threads.
 */
package io.sluice.benchmarks.load.report;
