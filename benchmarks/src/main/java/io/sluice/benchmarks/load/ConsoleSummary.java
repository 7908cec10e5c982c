package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ServerStatistics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** Prints a run's figures for people (the files hold them for machines). */
final class ConsoleSummary {

  private ConsoleSummary() {}

  static void print(PrintWriter out, RunResult result, RunContext context) {
    out.printf(Locale.ROOT, "%s: %s, %s %s, %.1f s measured%n", context.label(), result.shape().describe(),
        context.client().target(), context.client().wireLabel(), result.measuredSeconds());
    out.printf(Locale.ROOT, "  throughput  %.1f req/s (%d ok, %d errors)%n", result.throughput(),
        result.successes(), result.errors());
    Histogram latency = result.latency();
    out.printf(Locale.ROOT, "  latency     p50 %s  p90 %s  p95 %s  p99 %s  p99.9 %s  max %s%n",
        Durations.formatMicros(latency.getValueAtPercentile(50)), Durations.formatMicros(latency.getValueAtPercentile(90)),
        Durations.formatMicros(latency.getValueAtPercentile(95)), Durations.formatMicros(latency.getValueAtPercentile(99)),
        Durations.formatMicros(latency.getValueAtPercentile(99.9)), Durations.formatMicros(latency.getMaxValue()));
    out.printf(Locale.ROOT, "              mean %s  stddev %s  (from intended send time; service time p99 %s)%n",
        Durations.formatMicros(latency.getMean()), Durations.formatMicros(latency.getStdDeviation()),
        Durations.formatMicros(result.serviceTime().getValueAtPercentile(99)));
    if (!result.errorsByStatus().isEmpty()) {
      out.println("  errors      " + result.errorsByStatus().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .map(entry -> entry.getKey() + ": " + entry.getValue()).collect(Collectors.joining(", ")));
    }
    ServerStatistics server = result.server();
    if (server != null) {
      out.printf(Locale.ROOT, "  server      %d requests: total %s = queue %s + input %s + infer %s + output %s (means)%n",
          server.success().count(), Durations.formatMicros(server.success().meanMicros()),
          Durations.formatMicros(server.queue().meanMicros()), Durations.formatMicros(server.computeInput().meanMicros()),
          Durations.formatMicros(server.computeInfer().meanMicros()),
          Durations.formatMicros(server.computeOutput().meanMicros()));
    } else {
      out.println("  server      no statistics for the window");
    }
  }
}
