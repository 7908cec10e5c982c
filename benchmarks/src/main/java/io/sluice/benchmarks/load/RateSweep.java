package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.InferenceClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.HdrHistogram.HistogramLogWriter;

/** Runs a {@link SweepPlan}: one {@link LoadRun} per rate, tagged {@code rate=R} in the shared log. */
final class RateSweep {

  /** Below this share of the offered rate a step's throughput shows the server falling behind. */
  static final double MIN_DELIVERED_SHARE = 0.9;

  /**
   * One step.
   *
   * @param result what the step measured
   * @param sustainable whether the step met the plan's limits
   * @param verdict why, in a few words
   */
  record Step(RunResult result, boolean sustainable, String verdict) {}

  /**
   * The sweep's outcome.
   *
   * @param steps every step run, in order
   * @param best the highest-throughput sustainable step, or {@code null}
   * @param stoppedBecause why the sweep ended
   * @param clientBound whether the client's own limit ended it (so {@code best} is only a lower bound)
   */
  record Outcome(List<Step> steps, Step best, String stoppedBecause, boolean clientBound) {}

  private RateSweep() {}

  static Outcome execute(InferenceClient client, LoadShape base, SweepPlan plan, PrintWriter progress,
      HistogramLogWriter log, LongSupplier clock, AtomicBoolean cancel) throws InterruptedException {
    List<Step> steps = new ArrayList<>();
    Step best = null;
    double rate = plan.startRate();
    String stopped = "reached --sweep-max-steps " + plan.maxSteps();
    boolean clientBound = false;
    for (int i = 0; i < plan.maxSteps(); i++) {
      if (plan.maxRate() > 0 && rate > plan.maxRate()) {
        stopped = "reached --sweep-max-rate " + Durations.formatRate(plan.maxRate());
        break;
      }
      String label = "rate=" + Durations.formatRate(rate);
      RunResult result = new LoadRun(client, base.withRate(rate, plan.stepDuration()), label, progress, log, clock,
          cancel).execute();
      if (result.interrupted()) {
        steps.add(new Step(result, false, "interrupted"));
        stopped = "interrupted";
        break;
      }
      Step step = judge(result, rate, plan);
      steps.add(step);
      progress.printf(Locale.ROOT, "[%s] %s: %.1f req/s, p99 %s%n", label, step.verdict(), result.throughput(),
          Durations.formatMicros(result.latency().getValueAtPercentile(99)));
      if (!step.sustainable()) {
        stopped = label + ": " + step.verdict();
        clientBound = result.clientLimit() != null && result.clientLimit().kind() == ClientLimit.Kind.SCHEDULE_LAG;
        break;
      }
      if (best == null || result.throughput() > best.result().throughput()) {
        best = step;
      }
      rate = plan.nextRate(rate);
    }
    return new Outcome(List.copyOf(steps), best, stopped, clientBound);
  }

  static Step judge(RunResult result, double rate, SweepPlan plan) {
    if (result.clientLimit() != null) {
      return new Step(result, false, result.clientLimit().message());
    }
    long p99 = result.latency().getValueAtPercentile(99);
    if (result.latency().getTotalCount() == 0) {
      return new Step(result, false, "no successful requests");
    }
    if (p99 * 1000 > plan.p99Threshold().toNanos()) {
      return new Step(result, false, "p99 " + Durations.formatMicros(p99) + " above --sweep-p99 "
          + Durations.format(plan.p99Threshold()));
    }
    if (result.errorRate() > plan.maxErrorRate()) {
      return new Step(result, false, String.format(Locale.ROOT, "error rate %.2f%% above --sweep-max-error-rate %.2f%%",
          100 * result.errorRate(), 100 * plan.maxErrorRate()));
    }
    if (result.throughput() < MIN_DELIVERED_SHARE * rate) {
      return new Step(result, false, String.format(Locale.ROOT, "delivered %.1f of %s req/s offered",
          result.throughput(), Durations.formatRate(rate)));
    }
    return new Step(result, true, "sustainable");
  }
}
