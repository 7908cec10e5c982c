package io.sluice.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.benchmarks.load.client.ServerStatistics;
import io.sluice.benchmarks.load.client.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Builds {@code summary.json}: flat top-level figures (latencies in microseconds, throughput in requests per
 * second) so scripts can read {@code .p99} directly, plus the setup, the server's breakdown and, for a sweep,
 * every step.
 */
final class SummaryJson {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  /** A single run's summary. */
  static ObjectNode of(RunResult result, RunContext context) {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("tool", "sluice-bench");
    summary.put("label", context.label());
    summary.put("startedAt", context.startedAt().toString());
    summary.put("target", context.client().target().toString());
    summary.put("wire", context.client().wireLabel());
    summary.put("model", context.client().model());
    summary.put("modelVersion", context.client().version());
    LoadShape shape = result.shape();
    summary.put("mode", shape.openLoop() ? "open-loop" : "closed-loop");
    if (shape.openLoop()) {
      summary.put("arrival", shape.poisson() ? "poisson" : "constant");
      summary.put("rate", shape.rate());
    } else {
      summary.put("concurrency", shape.concurrency());
    }
    summary.put("warmupSeconds", shape.warmup().toNanos() / 1e9);
    if (shape.duration() != null) {
      summary.put("durationSeconds", shape.duration().toNanos() / 1e9);
    }
    if (shape.requests() > 0) {
      summary.put("requestsBound", shape.requests());
    }
    summary.put("measuredSeconds", result.measuredSeconds());
    summary.put("primingRequests", Benchmark.PRIMING_REQUESTS);
    figures(summary, result);
    summary.put("hlog", "latency.hlog");
    summary.put("hlogUnit", "microseconds");
    ArrayNode inputs = summary.putArray("inputs");
    for (Tensor tensor : context.inputs()) {
      ObjectNode input = inputs.addObject();
      input.put("name", tensor.name());
      input.put("datatype", tensor.datatype().name());
      ArrayNode dims = input.putArray("shape");
      for (long dim : tensor.shape()) {
        dims.add(dim);
      }
    }
    summary.put("data", context.data());
    summary.put("dataRecords", context.records());
    return summary;
  }

  /** The figures of one run (also used for each sweep step). */
  static void figures(ObjectNode node, RunResult result) {
    node.put("requests", result.successes() + result.errors());
    node.put("successes", result.successes());
    node.put("errors", result.errors());
    node.put("errorRate", result.errorRate());
    ObjectNode byStatus = node.putObject("errorsByStatus");
    result.errorsByStatus().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(entry -> byStatus.put(entry.getKey(), entry.getValue()));
    node.put("throughput", result.throughput());
    node.put("unit", "us");
    Histogram latency = result.latency();
    percentiles(node, latency);
    node.put("min", latency.getTotalCount() == 0 ? 0 : latency.getMinValue());
    node.put("mean", latency.getMean());
    node.put("stddev", latency.getStdDeviation());
    percentiles(node.putObject("serviceTime"), result.serviceTime()).put("mean", result.serviceTime().getMean());
    ObjectNode lag = node.putObject("sendLag");
    lag.put("p50", result.sendLag().getValueAtPercentile(50));
    lag.put("p99", result.sendLag().getValueAtPercentile(99));
    lag.put("max", result.sendLag().getMaxValue());
    long tolerance = result.shape().maxLag().toNanos() / 1000;
    long late = result.sendLag().getTotalCount() == 0 ? 0
        : result.sendLag().getCountBetweenValues(tolerance + 1, Math.max(tolerance + 1, result.sendLag().getMaxValue()));
    lag.put("toleranceUs", tolerance);
    lag.put("lateSends", late);
    node.put("interrupted", result.interrupted());
    node.put("clientKeptUp", result.clientLimit() == null);
    if (result.clientLimit() == null) {
      node.putNull("clientLimit");
    } else {
      ObjectNode limit = node.putObject("clientLimit");
      limit.put("kind", result.clientLimit().kind().name());
      limit.put("message", result.clientLimit().message());
    }
    ServerStatistics server = result.server();
    if (server == null) {
      node.putNull("server");
    } else {
      ObjectNode breakdown = node.putObject("server");
      breakdown.put("requests", server.success().count());
      breakdown.put("failures", server.fail().count());
      breakdown.put("executions", server.executionCount());
      breakdown.put("totalUs", server.success().meanMicros());
      breakdown.put("queueUs", server.queue().meanMicros());
      breakdown.put("computeInputUs", server.computeInput().meanMicros());
      breakdown.put("computeInferUs", server.computeInfer().meanMicros());
      breakdown.put("computeOutputUs", server.computeOutput().meanMicros());
    }
  }

  private static ObjectNode percentiles(ObjectNode node, Histogram histogram) {
    node.put("p50", histogram.getValueAtPercentile(50));
    node.put("p90", histogram.getValueAtPercentile(90));
    node.put("p95", histogram.getValueAtPercentile(95));
    node.put("p99", histogram.getValueAtPercentile(99));
    node.put("p999", histogram.getValueAtPercentile(99.9));
    node.put("max", histogram.getMaxValue());
    return node;
  }

  /** A sweep's summary: the best step's figures at the top level, then every step. */
  static ObjectNode ofSweep(RateSweep.Outcome outcome, SweepPlan plan, RunContext context) {
    RateSweep.Step top = outcome.best() != null ? outcome.best() : outcome.steps().get(0);
    ObjectNode summary = of(top.result(), context);
    summary.put("mode", "sweep");
    ObjectNode sweep = summary.putObject("sweep");
    sweep.put("p99ThresholdUs", plan.p99Threshold().toNanos() / 1000);
    sweep.put("stepSeconds", plan.stepDuration().toNanos() / 1e9);
    if (outcome.best() == null) {
      sweep.putNull("maxSustainableRate");
      sweep.putNull("maxSustainableThroughput");
    } else {
      sweep.put("maxSustainableRate", outcome.best().result().shape().rate());
      sweep.put("maxSustainableThroughput", outcome.best().result().throughput());
    }
    sweep.put("stoppedBecause", outcome.stoppedBecause());
    sweep.put("clientBound", outcome.clientBound());
    ArrayNode steps = sweep.putArray("steps");
    for (RateSweep.Step step : outcome.steps()) {
      ObjectNode node = steps.addObject();
      node.put("label", step.result().label());
      node.put("rate", step.result().shape().rate());
      node.put("sustainable", step.sustainable());
      node.put("verdict", step.verdict());
      figures(node, step.result());
    }
    return summary;
  }

  static void write(Path file, ObjectNode summary) throws IOException {
    JSON.writeValue(file.toFile(), summary);
  }
}
