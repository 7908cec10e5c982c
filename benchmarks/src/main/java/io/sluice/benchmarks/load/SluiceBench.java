package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ClientOptions;
import io.sluice.benchmarks.load.client.Target;
import io.sluice.benchmarks.load.client.TensorSpec;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code sluice-bench} command line: an open-loop (or closed-loop) load generator for Open Inference
 * Protocol servers, with a rate sweep and a {@code report} sub-command. {@link #execute} is the testable entry
 * point; {@link #main} exits the JVM with its code ({@link ExitCodes}).
 */
@Command(name = "sluice-bench", sortOptions = false, subcommands = ReportCommand.class,
    customSynopsis = {
        "sluice-bench --target URL --model NAME [--version V]",
        "         (--rate R [--poisson] | --concurrency C | --sweep [--sweep-...])",
        "         [--duration T] [--warmup T] [--requests N] [--output DIR] [OPTIONS]",
        "       sluice-bench report [--output DIR] DIR...",
        ""},
    description = {
        "Load generator for Open Inference Protocol (KServe v2) servers (Sluice, Triton,",
        "KServe), over HTTP (JSON or binary tensors) or gRPC.",
        "",
        "Open loop (--rate): requests leave at their scheduled times whatever the server",
        "does, and latency is measured from each request's intended send time, so a",
        "stalled server cannot hide its stall. Closed loop (--concurrency): a fixed",
        "number of requests in flight. Writes DIR/summary.json (microseconds, req/s),",
        "DIR/latency.hlog (HdrHistogram log) and DIR/report.html.",
        ""},
    footer = {
        "%nExamples:",
        "  sluice-bench --target http://localhost:8000 --model m --rate 500 \\",
        "      --duration 30s --output out/m-500",
        "  sluice-bench --target grpc://localhost:8001 --model m --concurrency 8 \\",
        "      --output out/m-c8 --compare out/m-500",
        "  sluice-bench --target http://localhost:8000 --model m --sweep \\",
        "      --sweep-start 100 --sweep-p99 20ms --output out/m-sweep",
        "  sluice-bench report --output out/compare out/m-500 out/m-c8",
        "%nExit codes: 0 ok, 1 failure, 2 bad arguments or data, 3 target unreachable",
        "  or unknown model, 4 the client could not offer the load (results written,",
        "  flagged), 5 every request failed, 6 sweep: no step was sustainable."})
public final class SluiceBench implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--target", paramLabel = "URL", description = "http://HOST:PORT or grpc://HOST:PORT.")
  String target;

  @Option(names = "--model", paramLabel = "NAME", description = "The model to load.")
  String model;

  @Option(names = "--version", paramLabel = "V", description = "The model version (default: the server's choice).")
  String version = "";

  @Option(names = "--rate", paramLabel = "R", description = "Open loop: requests per second.")
  double rate;

  @Option(names = "--poisson", description = "Open loop: Poisson arrivals (exponential gaps) instead of even ones.")
  boolean poisson;

  @Option(names = "--concurrency", paramLabel = "C", description = "Closed loop: requests kept in flight.")
  int concurrency;

  @Option(names = "--duration", paramLabel = "TIME", converter = Durations.Converter.class,
      description = "Measured window (default: 10s, or unbounded with --requests).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", converter = Durations.Converter.class, defaultValue = "2s",
      description = "Load before the window, not measured (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--requests", paramLabel = "N", description = "Stop after N measured requests.")
  long requests;

  @Option(names = "--protocol-format", paramLabel = "FORMAT", defaultValue = "json",
      description = "HTTP body: json or binary (tensor extension) (default: ${DEFAULT-VALUE}).")
  ClientOptions.Format format;

  @Option(names = "--input", paramLabel = "NAME:DATATYPE:SHAPE",
      description = "An input, e.g. features:FP32:1x4 (repeatable). Default: the model's metadata, -1 dims as 1.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "random",
      description = "random, zeros, FILE.json or FILE.jsonl (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seeds random data and Poisson arrivals (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output", paramLabel = "DIR", defaultValue = "sluice-bench-results",
      description = "Results directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--label", paramLabel = "TEXT", description = "The run's name in reports.")
  String label;

  @Option(names = "--compare", paramLabel = "DIR", split = ",",
      description = "Earlier result directories to overlay in report.html.")
  List<Path> compare = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "TIME", converter = Durations.Converter.class, defaultValue = "30s",
      description = "Per-request timeout, counted as error 'timeout' (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--connect-timeout", paramLabel = "TIME", converter = Durations.Converter.class,
      defaultValue = "5s", description = "Bound on connecting and metadata calls (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--max-outstanding", paramLabel = "N", defaultValue = "4096",
      description = "Open loop: give up when this many requests are in flight (default: ${DEFAULT-VALUE}).")
  int maxOutstanding;

  @Option(names = "--max-lag", paramLabel = "TIME", converter = Durations.Converter.class, defaultValue = "10ms",
      description = "Open loop: a send later than this is late (default: ${DEFAULT-VALUE}).")
  Duration maxLag;

  @Option(names = "--max-late-share", paramLabel = "SHARE", defaultValue = "0.05",
      description = "Open loop: more late sends than this share means the client could not keep up "
          + "(default: ${DEFAULT-VALUE}).")
  double maxLateShare;

  @Option(names = "--busy-wait", description = "Open loop: spin before each send instead of sleeping: on time to "
      + "a few microseconds instead of tens, but costs a CPU core.")
  boolean busyWait;

  @Option(names = "--io-threads", paramLabel = "N", description = "HTTP event loop threads (default: min(4, cores)).")
  int ioThreads = Math.min(4, Runtime.getRuntime().availableProcessors());

  @Option(names = "--grpc-channels", paramLabel = "N", defaultValue = "1",
      description = "gRPC connections used round-robin (default: ${DEFAULT-VALUE}).")
  int grpcChannels;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Option(names = "--sweep", description = "Raise the open-loop rate step by step until the p99 passes --sweep-p99.")
  boolean sweep;

  @Option(names = "--sweep-start", paramLabel = "R", description = "Sweep: first rate (default: --rate, else 100).")
  double sweepStart;

  @Option(names = "--sweep-factor", paramLabel = "F", defaultValue = "1.5",
      description = "Sweep: multiply the rate by F per step (default: ${DEFAULT-VALUE}).")
  double sweepFactor;

  @Option(names = "--sweep-step", paramLabel = "R", description = "Sweep: add R per step instead of multiplying.")
  double sweepStep;

  @Option(names = "--sweep-p99", paramLabel = "TIME", converter = Durations.Converter.class, defaultValue = "100ms",
      description = "Sweep: highest acceptable p99 (default: ${DEFAULT-VALUE}).")
  Duration sweepP99;

  @Option(names = "--sweep-step-duration", paramLabel = "TIME", converter = Durations.Converter.class,
      description = "Sweep: each step's measured window (default: --duration, else 10s).")
  Duration sweepStepDuration;

  @Option(names = "--sweep-max-steps", paramLabel = "N", defaultValue = "20",
      description = "Sweep: at most N steps (default: ${DEFAULT-VALUE}).")
  int sweepMaxSteps;

  @Option(names = "--sweep-max-rate", paramLabel = "R", description = "Sweep: never offer more than R req/s.")
  double sweepMaxRate;

  @Option(names = "--sweep-max-error-rate", paramLabel = "SHARE", defaultValue = "0.01",
      description = "Sweep: a step failing more than this share is not sustainable (default: ${DEFAULT-VALUE}).")
  double sweepMaxErrorRate;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err));
  }

  /**
   * Runs the command line without exiting.
   *
   * @return an {@link ExitCodes} value
   */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(new SluiceBench());
    commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler((exception, arguments) -> {
      PrintWriter writer = exception.getCommandLine().getErr();
      writer.println(exception.getCommandLine().getCommandName() + ": " + exception.getMessage());
      writer.println("Try '" + exception.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodes.USAGE;
    });
    commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
      line.getErr().println("sluice-bench: unexpected failure: " + exception);
      exception.printStackTrace(line.getErr());
      return ExitCodes.FAILURE;
    });
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    Benchmark.Plan plan;
    try {
      plan = plan();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return new Benchmark(plan).run(out, err);
  }

  private Benchmark.Plan plan() {
    if (target == null) {
      throw new IllegalArgumentException("missing --target (expected: http://HOST:PORT or grpc://HOST:PORT)");
    }
    if (model == null) {
      throw new IllegalArgumentException("missing --model NAME");
    }
    ClientOptions client = new ClientOptions(Target.parse(target), model, version, format, timeout, connectTimeout,
        ioThreads, grpcChannels);
    Duration window = duration != null ? duration : (requests > 0 ? null : Duration.ofSeconds(10));
    SweepPlan sweepPlan = null;
    double offered = rate;
    if (sweep) {
      if (concurrency > 0) {
        throw new IllegalArgumentException("--sweep: needs the open loop (--rate or --sweep-start), not --concurrency");
      }
      double start = sweepStart > 0 ? sweepStart : (rate > 0 ? rate : 100);
      sweepPlan = new SweepPlan(start, sweepFactor, sweepStep, sweepP99,
          sweepStepDuration != null ? sweepStepDuration : (duration != null ? duration : Duration.ofSeconds(10)),
          sweepMaxSteps, sweepMaxRate, sweepMaxErrorRate);
      offered = start;
    }
    LoadShape shape = new LoadShape(offered, poisson, concurrency, window, warmup, requests, maxOutstanding, maxLag,
        maxLateShare, busyWait, seed);
    List<TensorSpec> specs = new ArrayList<>();
    for (String input : inputs) {
      specs.add(TensorSpec.parse(input));
    }
    for (Path other : compare) {
      if (!Files.isRegularFile(other.resolve("latency.hlog"))) {
        throw new IllegalArgumentException("--compare: '" + other + "' holds no latency.hlog");
      }
    }
    return new Benchmark.Plan(client, shape, sweepPlan, specs, data, output, label, compare, quiet);
  }
}
