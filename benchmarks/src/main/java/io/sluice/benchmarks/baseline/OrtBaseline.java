package io.sluice.benchmarks.baseline;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.benchmarks.load.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The compute floor: ONNX Runtime called in-process on the model file the server loads, with the session
 * options the server uses (one intra-op thread, no spinning), in a closed loop of {@code --concurrency}
 * threads. One operation is what the server cannot avoid per request: wrap the input's direct buffer as an
 * {@code OnnxTensor}, {@code session.run}, read the output, close both. Writes {@code summary.json} with the
 * load generator's figures (throughput in requests per second, latencies in microseconds).
 *
 * <p>{@code java -cp sluice-jmh.jar io.sluice.benchmarks.baseline.OrtBaseline --model models/m/2/model.onnx
 * --concurrency 1 --duration 10s --warmup 3s --output DIR}
 */
@Command(name = "ort-baseline", mixinStandardHelpOptions = true,
    description = "Times session.run of an ONNX model in-process: the compute floor of a server.")
public final class OrtBaseline implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long HIGHEST_NANOS = 60_000_000_000L;

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .onnx file.")
  Path model;

  @Option(names = "--concurrency", defaultValue = "1", paramLabel = "C",
      description = "Threads calling run at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--duration", defaultValue = "10s", converter = Durations.Converter.class, paramLabel = "TIME",
      description = "Measured window (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "3s", converter = Durations.Converter.class, paramLabel = "TIME",
      description = "Unmeasured warm-up (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--intra-op-threads", defaultValue = "1", paramLabel = "N",
      description = "ONNX Runtime intra-op threads, as the server's --intra-op-threads (default: ${DEFAULT-VALUE}).")
  int intraOpThreads;

  @Option(names = "--idle-between", defaultValue = "0s", converter = Durations.Converter.class, paramLabel = "TIME",
      description = "Each thread waits this long (parked) between runs, as a server thread waits for the next "
          + "request at low load; 0 runs back to back on a hot thread (default: ${DEFAULT-VALUE}).")
  Duration idleBetween;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where summary.json goes.")
  Path output;

  /** The figures of one run. */
  record Result(int concurrency, double measuredSeconds, long requests, Histogram latencyNanos) {
    double throughput() {
      return requests / measuredSeconds;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new OrtBaseline()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (concurrency <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency: " + concurrency
          + " (expected: > 0)");
    }
    Result result = run(model, concurrency, warmup, duration, intraOpThreads, idleBetween);
    Files.createDirectories(output);
    JSON.writeValue(output.resolve("summary.json").toFile(), summary(result, model));
    print(System.out, result);
    return 0;
  }

  /** Loads {@code modelFile} and runs it from {@code threads} threads for {@code warmup} then {@code window}. */
  static Result run(Path modelFile, int threads, Duration warmup, Duration window, int intraOpThreads)
      throws OrtException, InterruptedException {
    return run(modelFile, threads, warmup, window, intraOpThreads, Duration.ZERO);
  }

  /** As above, each thread parked for {@code idleBetween} between runs (not counted in the latency). */
  static Result run(Path modelFile, int threads, Duration warmup, Duration window, int intraOpThreads,
      Duration idleBetween) throws OrtException, InterruptedException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = sessionOptions(intraOpThreads);
        OrtSession session = environment.createSession(modelFile.toString(), options)) {
      return measure(environment, session, threads, warmup, window, idleBetween.toNanos());
    }
  }

  /**
   * The session options Sluice uses by default: {@code intraOpThreads} intra-op threads (0: ONNX Runtime's
   * default), no spinning. The caller closes them.
   */
  public static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    if (intraOpThreads > 0) {
      options.setIntraOpNumThreads(intraOpThreads);
    }
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    options.addConfigEntry("session.inter_op.allow_spinning", "0");
    return options;
  }

  private static Result measure(OrtEnvironment environment, OrtSession session, int threads, Duration warmup,
      Duration window, long idleNanos) throws OrtException, InterruptedException {
    Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
    if (!(input.getValue().getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException("input '" + input.getKey() + "': expected an FP32 tensor");
    }
    long[] shape = info.getShape().clone();
    int elements = 1;
    for (int d = 0; d < shape.length; d++) {
      shape[d] = shape[d] < 0 ? 1 : shape[d];
      elements = Math.multiplyExact(elements, (int) shape[d]);
    }
    Recorder recorder = new Recorder(1, HIGHEST_NANOS, 3);
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + window.toNanos();
    CountDownLatch done = new CountDownLatch(threads);
    List<Throwable> failures = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ByteBuffer data = ByteBuffer.allocateDirect(elements * Float.BYTES).order(ByteOrder.nativeOrder());
      SplittableRandom random = new SplittableRandom(t);
      for (int i = 0; i < elements; i++) {
        data.putFloat((float) random.nextDouble());
      }
      data.flip();
      Thread worker = new Thread(() -> {
        try {
          loop(environment, session, input.getKey(), data, shape, recorder, measureFrom, end, idleNanos);
        } catch (OrtException | RuntimeException e) {
          synchronized (failures) {
            failures.add(e);
          }
        } finally {
          done.countDown();
        }
      }, "ort-baseline-" + t);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
    done.await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("session.run failed: " + failures.get(0), failures.get(0));
    }
    Histogram latency = recorder.getIntervalHistogram();
    return new Result(threads, window.toNanos() / 1e9, latency.getTotalCount(), latency);
  }

  private static void loop(OrtEnvironment environment, OrtSession session, String inputName, ByteBuffer data,
      long[] shape, Recorder recorder, long measureFrom, long end, long idleNanos) throws OrtException {
    while (true) {
      if (idleNanos > 0) {
        LockSupport.parkNanos(idleNanos);
      }
      long started = System.nanoTime();
      if (started - end >= 0) {
        return;
      }
      try (OnnxTensor tensor = OnnxTensor.createTensor(environment, data.duplicate(), shape, OnnxJavaType.FLOAT);
          OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
        if (!(result.get(0) instanceof OnnxTensor output) || output.getByteBuffer().remaining() == 0) {
          throw new IllegalStateException("the model returned no tensor");
        }
      }
      long finished = System.nanoTime();
      // count what started in the window and finished before its end, as a closed-loop client does
      if (started - measureFrom >= 0 && finished - end < 0) {
        recorder.recordValue(finished - started);
      }
    }
  }

  /** {@code summary.json} in the load generator's layout (microseconds, requests per second). */
  static ObjectNode summary(Result result, Path modelFile) {
    Histogram latency = result.latencyNanos();
    ObjectNode summary = JSON.createObjectNode();
    summary.put("tool", "ort-baseline");
    summary.put("label", "in-process ONNX Runtime c=" + result.concurrency());
    summary.put("target", "in-process");
    summary.put("model", modelFile.toString());
    summary.put("mode", "closed-loop");
    summary.put("concurrency", result.concurrency());
    summary.put("measuredSeconds", result.measuredSeconds());
    summary.put("requests", result.requests());
    summary.put("successes", result.requests());
    summary.put("errors", 0);
    summary.put("throughput", result.throughput());
    summary.put("unit", "us");
    for (double percentile : new double[] {50, 90, 95, 99, 99.9}) {
      summary.put(percentile == 99.9 ? "p999" : "p" + (int) percentile,
          latency.getValueAtPercentile(percentile) / 1000.0);
    }
    summary.put("max", latency.getMaxValue() / 1000.0);
    summary.put("min", latency.getTotalCount() == 0 ? 0 : latency.getMinValue() / 1000.0);
    summary.put("mean", latency.getMean() / 1000.0);
    summary.put("stddev", latency.getStdDeviation() / 1000.0);
    summary.put("clientKeptUp", true);
    summary.putNull("server");
    return summary;
  }

  private static void print(PrintStream out, Result result) {
    Histogram latency = result.latencyNanos();
    out.printf(Locale.ROOT, "in-process ONNX Runtime, %d thread(s): %.0f runs/s, p50 %.1f us, p99 %.1f us, max %.1f us"
            + " (%d runs in %.1f s)%n", result.concurrency(), result.throughput(),
        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getMaxValue() / 1000.0, result.requests(), result.measuredSeconds());
  }
}
