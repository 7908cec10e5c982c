package io.sluice.benchmarks.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.benchmarks.load.client.ClientOptions;
import io.sluice.benchmarks.load.client.InferenceClient;
import io.sluice.benchmarks.load.client.InputData;
import io.sluice.benchmarks.load.client.ModelMetadata;
import io.sluice.benchmarks.load.client.Tensor;
import io.sluice.benchmarks.load.client.TensorSpec;
import io.sluice.benchmarks.load.client.TargetException;
import io.sluice.benchmarks.load.report.HtmlReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.HistogramLogWriter;

/**
 * One benchmark from start to files: connect, read the model's metadata, build the inputs, run (or sweep), and
 * write {@code summary.json}, {@code latency.hlog} and {@code report.html} into the output directory.
 */
final class Benchmark {

  /**
   * Everything a benchmark needs, validated by the records it holds.
   *
   * @param client where and how to send
   * @param shape the load (the sweep varies its rate)
   * @param sweep the sweep, or {@code null} for a single run
   * @param inputs explicit inputs, or empty to take them from the model's metadata
   * @param data {@code random}, {@code zeros}, or a JSON / JSON-lines file
   * @param output the results directory
   * @param label the run's name in reports, or {@code null} for a generated one
   * @param compare result directories of earlier runs to overlay in the report
   * @param quiet no progress lines
   */
  record Plan(ClientOptions client, LoadShape shape, SweepPlan sweep, List<TensorSpec> inputs, String data,
      Path output, String label, List<Path> compare, boolean quiet) {

    Plan {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(output, "output");
      inputs = List.copyOf(inputs);
      compare = List.copyOf(compare);
      if (sweep != null && !shape.openLoop()) {
        throw new IllegalArgumentException("--sweep: needs the open loop (--rate or --sweep-start), not --concurrency");
      }
    }
  }

  static final int PRIMING_REQUESTS = 3;

  private final Plan plan;
  /** Set by Ctrl-C: the run stops early and still writes its results. */
  private final AtomicBoolean cancel = new AtomicBoolean();

  Benchmark(Plan plan) {
    this.plan = plan;
  }

  /** Runs the benchmark; returns an {@link ExitCodes} value. Messages go to {@code err}, the summary to {@code out}. */
  int run(PrintWriter out, PrintWriter err) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread onInterrupt = new Thread(() -> {
      cancel.set(true);
      try {
        // give the run time to stop, drain briefly and write its files before the JVM exits
        finished.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sluice-bench-interrupt");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try {
      return runUntilDone(out, err);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down (Ctrl-C): the hook is running and sees the latch released
      }
    }
  }

  private int runUntilDone(PrintWriter out, PrintWriter err) {
    Instant startedAt = Instant.now();
    try (InferenceClient client = InferenceClient.connect(plan.client())) {
      ModelMetadata metadata = client.metadata();
      List<TensorSpec> specs = plan.inputs().isEmpty() ? metadata.inputs() : plan.inputs();
      for (TensorSpec spec : plan.inputs()) {
        if (metadata.inputs().stream().noneMatch(declared -> declared.name().equals(spec.name()))) {
          err.println("sluice-bench: warning: the model's metadata declares no input '" + spec.name() + "'");
        }
      }
      List<List<Tensor>> records = InputData.load(plan.data(), specs, plan.shape().seed());
      client.prepare(records);
      prime(client, err);
      Files.createDirectories(plan.output());
      String label = plan.label() != null ? plan.label()
          : plan.client().wireLabel() + " " + (plan.sweep() != null ? "sweep" : plan.shape().describe());
      RunContext context = new RunContext(plan.client(), records.get(0), records.size(), plan.data(), label, startedAt);
      PrintWriter progress = plan.quiet() ? new PrintWriter(Writer.nullWriter()) : err;
      return plan.sweep() == null ? single(client, context, progress, out, err) : sweep(client, context, progress, out, err);
    } catch (TargetException e) {
      err.println("sluice-bench: " + e.getMessage());
      return ExitCodes.TARGET;
    } catch (IllegalArgumentException e) {
      err.println("sluice-bench: " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (IOException e) {
      err.println("sluice-bench: cannot write results to " + plan.output() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("sluice-bench: interrupted");
      return ExitCodes.FAILURE;
    }
  }

  private int single(InferenceClient client, RunContext context, PrintWriter progress, PrintWriter out,
      PrintWriter err) throws IOException, InterruptedException {
    RunResult result;
    try (PrintStream hlog = openLog(context)) {
      result = new LoadRun(client, plan.shape(), null, progress, writer(hlog, context), System::nanoTime, cancel)
          .execute();
    }
    SummaryJson.write(plan.output().resolve("summary.json"), SummaryJson.of(result, context));
    List<HtmlReport.Series> series = new ArrayList<>();
    series.add(ReportCommand.series(context.label(), result));
    writeReport(context, series, notes(result));
    ConsoleSummary.print(out, result, context);
    out.println("  results     " + plan.output().resolve("summary.json") + ", latency.hlog, report.html");
    if (result.interrupted()) {
      err.println("sluice-bench: interrupted; the results cover what was measured until then");
    }
    if (result.clientLimit() != null) {
      err.println("sluice-bench: " + result.clientLimit().message());
      return ExitCodes.CLIENT_LIMIT;
    }
    if (result.successes() == 0) {
      err.println("sluice-bench: every measured request failed (" + result.errorsByStatus() + ")");
      return ExitCodes.ALL_FAILED;
    }
    return ExitCodes.OK;
  }

  private int sweep(InferenceClient client, RunContext context, PrintWriter progress, PrintWriter out,
      PrintWriter err) throws IOException, InterruptedException {
    RateSweep.Outcome outcome;
    try (PrintStream hlog = openLog(context)) {
      outcome = RateSweep.execute(client, plan.shape(), plan.sweep(), progress, writer(hlog, context),
          System::nanoTime, cancel);
    }
    ObjectNode summary = SummaryJson.ofSweep(outcome, plan.sweep(), context);
    SummaryJson.write(plan.output().resolve("summary.json"), summary);
    List<HtmlReport.Series> series = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (RateSweep.Step step : outcome.steps()) {
      series.add(ReportCommand.series(context.label() + " " + step.result().label(), step.result()));
      notes.add(step.result().label() + ": " + step.verdict());
    }
    notes.add("sweep stopped: " + outcome.stoppedBecause());
    writeReport(context, series, notes);
    if (outcome.best() != null) {
      out.printf(Locale.ROOT, "%s: highest sustainable throughput %.1f req/s at %s req/s offered (p99 <= %s)%n",
          context.label(), outcome.best().result().throughput(),
          Durations.formatRate(outcome.best().result().shape().rate()), Durations.format(plan.sweep().p99Threshold()));
      ConsoleSummary.print(out, outcome.best().result(), context);
    }
    out.println("  sweep stopped: " + outcome.stoppedBecause());
    out.println("  results     " + plan.output().resolve("summary.json") + ", latency.hlog, report.html");
    if (outcome.clientBound()) {
      err.println("sluice-bench: the sweep hit the client's own limit; the highest sustainable rate found is only a "
          + "lower bound for the server");
      return ExitCodes.CLIENT_LIMIT;
    }
    if (outcome.best() == null) {
      err.println("sluice-bench: no step was sustainable: " + outcome.stoppedBecause());
      return ExitCodes.NOT_SUSTAINABLE;
    }
    return ExitCodes.OK;
  }

  /**
   * Sends a few requests one at a time before the schedule starts, so connecting and class loading do not make
   * the first scheduled sends late; they are not measured (the statistics baseline is read after them).
   */
  private static void prime(InferenceClient client, PrintWriter err) throws InterruptedException {
    long waitNanos = client.options().requestTimeout().toNanos() + 1_000_000_000L;
    for (int i = 0; i < PRIMING_REQUESTS; i++) {
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<String> failure = new AtomicReference<>();
      client.send(System.nanoTime(), (intended, sent, error) -> {
        failure.set(error);
        done.countDown();
      });
      if (!done.await(waitNanos, TimeUnit.NANOSECONDS)) {
        return;
      }
      if (failure.get() != null) {
        err.println("sluice-bench: warning: a priming request failed: "
            + client.explainFailure().orElse(failure.get()));
        return;
      }
    }
  }

  private PrintStream openLog(RunContext context) throws IOException {
    return new PrintStream(Files.newOutputStream(plan.output().resolve("latency.hlog")), false,
        StandardCharsets.UTF_8);
  }

  private static HistogramLogWriter writer(PrintStream hlog, RunContext context) {
    HistogramLogWriter writer = new HistogramLogWriter(hlog);
    long now = System.currentTimeMillis();
    writer.outputComment("sluice-bench: " + context.label() + " against " + context.client().target() + " model "
        + context.client().model() + "; values are microseconds from intended send time");
    writer.outputLogFormatVersion();
    writer.outputStartTime(now);
    writer.setBaseTime(now);
    writer.outputLegend();
    return writer;
  }

  private void writeReport(RunContext context, List<HtmlReport.Series> series, List<String> notes) throws IOException {
    for (Path other : plan.compare()) {
      series.addAll(ReportCommand.seriesFromDirectory(other));
    }
    HtmlReport.write(plan.output().resolve("report.html"), "sluice-bench: " + context.client().model() + " on "
        + context.client().target() + " (" + context.client().wireLabel() + ")", series, notes);
  }

  private static List<String> notes(RunResult result) {
    List<String> notes = new ArrayList<>();
    notes.add(result.shape().describe() + ", warm-up " + Durations.format(result.shape().warmup())
        + String.format(Locale.ROOT, ", %.1f s measured, %.1f req/s", result.measuredSeconds(), result.throughput()));
    if (result.clientLimit() != null) {
      notes.add("NOT A VALID MEASUREMENT: " + result.clientLimit().message());
    }
    if (result.interrupted()) {
      notes.add("Interrupted: the run was cut short.");
    }
    return notes;
  }
}
