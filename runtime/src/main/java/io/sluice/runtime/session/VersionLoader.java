package io.sluice.runtime.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelInstanceGroup;
import io.sluice.proto.config.ModelParameter;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.proto.config.ModelQueuePolicy;
import io.sluice.runtime.exec.BatchingPolicy;
import io.sluice.runtime.exec.DirectScheduler;
import io.sluice.runtime.exec.DynamicBatchScheduler;
import io.sluice.runtime.exec.Scheduler;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.repository.ExternalDataCheck;
import io.sluice.runtime.repository.FileStamp;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.repository.ModelSource;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Turns a version's model file into a routable {@link ModelVersion}: session options from the config (CPU or
 * CUDA, threads, optimization level), the ONNX Runtime session, the reconciled signature and the scheduler.
 * Thread-safe; loads run on the control plane, never on request threads.
 */
public final class VersionLoader {
  private static final System.Logger LOG = System.getLogger(VersionLoader.class.getName());

  private final OrtEnvironment environment;
  private final RuntimeOptions options;

  public VersionLoader(RuntimeOptions options) {
    this.environment = OnnxEnvironment.get();
    this.options = options;
  }

  /**
   * Loads version {@code version} of {@code source}.
   *
   * @throws ModelLoadException with a client-safe reason; nothing is left open
   */
  public ModelVersion load(ModelSource source, long version) throws ModelLoadException {
    Path file = source.versionFiles().get(version);
    if (file == null) {
      throw new ModelLoadException("version " + version + " has no model file");
    }
    ModelConfig config = source.config();
    FileStamp before = FileStamp.of(file);
    try {
      ExternalDataCheck.check(file);
    } catch (ModelLoadException e) {
      throw new ModelLoadException("version " + version + ": " + e.getMessage());
    }
    OrtSession session;
    String[] device = {"cpu"};
    try (OrtSession.SessionOptions sessionOptions = sessionOptions(source.name(), config, device)) {
      session = environment.createSession(file.toString(), sessionOptions);
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: ONNX Runtime rejected {2}: {3}",
          source.name(), version, file, e.getMessage());
      throw new ModelLoadException("version " + version + ": ONNX Runtime could not load the model file ("
          + e.getCode() + ")");
    }
    try {
      if (!before.equals(FileStamp.of(file))) {
        throw new ModelLoadException("the model file changed while it was loaded; it will be retried");
      }
      ModelSignature signature = SignatureResolver.resolve(session, config);
      ModelConfig effective = SignatureResolver.effectiveConfig(source.name(), config, signature);
      String versionText = Long.toString(version);
      VersionStatistics statistics = new VersionStatistics();
      OnnxRunner runner = new OnnxRunner(environment, session, source.name(), versionText, signature, statistics,
          concurrency(effective));
      // The runner that will serve warms up, so what the warm-up finds (outputs that contradict their declared
      // shapes) holds for real requests; its runs are not counted in the version's statistics.
      Warmup.run(source.name(), config, signature, runner);
      Scheduler scheduler = scheduler(source.name(), versionText, effective, signature, runner, statistics);
      return new ModelVersion(source.name(), version, signature, effective, scheduler, statistics, session,
          runner, before, source.configStamp(), device[0]);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly(session);
      if (e instanceof ModelLoadException loadFailure) {
        throw new ModelLoadException("version " + version + ": " + loadFailure.getMessage());
      }
      throw e;
    }
  }

  /**
   * Session options from the config; {@code device[0]} receives where the session runs ({@code cpu},
   * {@code cuda:N}, or {@code cpu (CUDA fallback)} when the config allows falling back).
   */
  /** The dynamic batcher when the config asks for one, else one run per request. */
  private Scheduler scheduler(String modelName, String versionText, ModelConfig config, ModelSignature signature,
      OnnxRunner runner, VersionStatistics statistics) throws ModelLoadException {
    String label = "model '" + modelName + "' version " + versionText;
    String threads = "sluice-infer-" + modelName + "-" + versionText;
    if (!config.hasDynamicBatching()) {
      return new DirectScheduler(label, threads, concurrency(config), queueCapacity(config), runner);
    }
    if (signature.maxBatchSize() <= 0) {
      throw new ModelLoadException("config.pbtxt: dynamic_batching needs max_batch_size > 0");
    }
    ModelDynamicBatching batching = config.getDynamicBatching();
    ModelQueuePolicy queue = batching.getDefaultQueuePolicy();
    int[] preferred = new int[batching.getPreferredBatchSizeCount()];
    for (int i = 0; i < preferred.length; i++) {
      preferred[i] = batching.getPreferredBatchSize(i);
    }
    BatchingPolicy policy;
    try {
      policy = new BatchingPolicy(signature.maxBatchSize(), preferred,
          TimeUnit.MICROSECONDS.toNanos(batching.getMaxQueueDelayMicroseconds()), queueCapacity(config),
          TimeUnit.MICROSECONDS.toNanos(queue.getDefaultTimeoutMicroseconds()),
          queue.getTimeoutAction() == ModelQueuePolicy.TimeoutAction.REJECT, queue.getAllowTimeoutOverride(),
          concurrency(config));
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException("config.pbtxt: dynamic_batching: " + e.getMessage());
    }
    return new DynamicBatchScheduler(label, threads, modelName, versionText, policy, runner, statistics);
  }

  private OrtSession.SessionOptions sessionOptions(String modelName, ModelConfig config, String[] device)
      throws OrtException, ModelLoadException {
    OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
    try {
      int intraOp = options.intraOpThreads();
      String threads = parameter(config, "intra_op_thread_count");
      if (threads != null) {
        intraOp = parseNonNegative("intra_op_thread_count", threads);
      }
      if (intraOp > 0) {
        sessionOptions.setIntraOpNumThreads(intraOp);
      }
      String interOp = parameter(config, "inter_op_thread_count");
      if (interOp != null) {
        sessionOptions.setInterOpNumThreads(parseNonNegative("inter_op_thread_count", interOp));
      }
      // Spinning intra-op threads steal cores from the event loops and from other models' workers; off
      // unless a model's config asks for it.
      boolean spin = "true".equals(parameter(config, "allow_spinning"));
      sessionOptions.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
      sessionOptions.addConfigEntry("session.inter_op.allow_spinning", spin ? "1" : "0");
      String level = parameter(config, "graph_optimization_level");
      if (level != null) {
        sessionOptions.setOptimizationLevel(optimizationLevel(level));
      }
      int gpu = gpuDevice(config);
      if (gpu >= 0) {
        try {
          sessionOptions.addCUDA(gpu);
          device[0] = "cuda:" + gpu;
        } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
          String why = "CUDA device " + gpu + " is not available (" + cudaFailure(e)
              + "; GPU placement needs the -Pgpu build, CUDA 12 with cuDNN 9, and a CUDA device)";
          if (!"true".equals(parameter(config, "allow_cpu_fallback"))) {
            throw new ModelLoadException(why);
          }
          LOG.log(System.Logger.Level.WARNING, "model {0}: {1}; falling back to CPU as its config allows",
              modelName, why);
          device[0] = "cpu (CUDA fallback)";
        }
      }
      return sessionOptions;
    } catch (OrtException | ModelLoadException | RuntimeException e) {
      sessionOptions.close();
      throw e;
    }
  }

  private static String cudaFailure(Throwable e) {
    if (e instanceof OrtException ort) {
      return "ONNX Runtime error " + ort.getCode();
    }
    return e instanceof UnsatisfiedLinkError ? "CUDA libraries not found" : "CUDA provider not in this build";
  }

  /** The CUDA device for this model, or -1 for CPU. */
  private int gpuDevice(ModelConfig config) throws ModelLoadException {
    if (config != null) {
      for (ModelInstanceGroup group : config.getInstanceGroupList()) {
        if (group.getKind() == ModelInstanceGroup.Kind.KIND_GPU) {
          return group.getGpusCount() > 0 ? group.getGpus(0) : 0;
        }
        if (group.getKind() == ModelInstanceGroup.Kind.KIND_CPU) {
          return -1;
        }
      }
    }
    if (options.device().startsWith("cuda:")) {
      return parseNonNegative("device", options.device().substring("cuda:".length()));
    }
    return -1;
  }

  private int concurrency(ModelConfig config) {
    int total = 0;
    for (ModelInstanceGroup group : config.getInstanceGroupList()) {
      total += Math.max(1, group.getCount());
    }
    return total > 0 ? total : options.defaultConcurrency();
  }

  private int queueCapacity(ModelConfig config) {
    int configured = config.getDynamicBatching().getDefaultQueuePolicy().getMaxQueueSize();
    return configured > 0 ? configured : options.queueCapacity();
  }

  private static String parameter(ModelConfig config, String key) {
    if (config == null) {
      return null;
    }
    ModelParameter parameter = config.getParametersMap().get(key);
    return parameter == null ? null : parameter.getStringValue().trim();
  }

  private static int parseNonNegative(String key, String text) throws ModelLoadException {
    try {
      int value = Integer.parseInt(text);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ModelLoadException("parameter " + key + ": '" + text + "' (expected: a number >= 0)");
  }

  private static OrtSession.SessionOptions.OptLevel optimizationLevel(String level) throws ModelLoadException {
    switch (level) {
      case "0":
      case "disable":
        return OrtSession.SessionOptions.OptLevel.NO_OPT;
      case "1":
      case "basic":
        return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case "2":
      case "extended":
        return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      case "99":
      case "all":
        return OrtSession.SessionOptions.OptLevel.ALL_OPT;
      default:
        throw new ModelLoadException("parameter graph_optimization_level: '" + level
            + "' (expected: 0, 1, 2, 99, disable, basic, extended or all)");
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "session close failed: {0}", e.getMessage());
    }
  }
}
