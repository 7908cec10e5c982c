package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ServerStatistics;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one run measured. Histograms hold microseconds and are owned by the result (do not modify).
 *
 * @param label names the run in reports (the sweep step's rate, or the run's label)
 * @param shape the load that was offered
 * @param latency successful requests, from intended send time to response
 * @param serviceTime successful requests, from actual send time to response
 * @param sendLag how late measured sends were against the schedule
 * @param successes measured successful requests
 * @param errorsByStatus measured failed requests by status (HTTP code, gRPC code name, or transport failure)
 * @param sent all requests sent, warm-up included
 * @param measuredSeconds from the window start to the last measured completion
 * @param clientLimit {@code null}, or why the client could not offer the load
 * @param server the server's statistics over the window, or {@code null} when it has none
 * @param interrupted whether the run was cut short (Ctrl-C)
 */
public record RunResult(String label, LoadShape shape, Histogram latency, Histogram serviceTime, Histogram sendLag,
    long successes, Map<String, Long> errorsByStatus, long sent, double measuredSeconds, ClientLimit clientLimit,
    ServerStatistics server, boolean interrupted) {

  /** Copies the error map. */
  public RunResult {
    errorsByStatus = Map.copyOf(errorsByStatus);
  }

  /** Measured failed requests. */
  public long errors() {
    return errorsByStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Successful responses per second over the measured window. */
  public double throughput() {
    return measuredSeconds <= 0 ? 0 : successes / measuredSeconds;
  }

  /** Failed share of measured requests, 0 when none completed. */
  public double errorRate() {
    long total = successes + errors();
    return total == 0 ? 0 : (double) errors() / total;
  }
}
