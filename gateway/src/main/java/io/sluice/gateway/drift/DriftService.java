package io.sluice.gateway.drift;

import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Input sampling, payload logging and drift detection for every model: the one entry point of this package.
 *
 * <p><b>Request path.</b> {@link #offer} is called after each successful inference. It decides with the model's
 * {@link SamplingPolicy} (a hash of the request id, so replays sample the same requests; random without an id)
 * and, when sampled, queues references to the request's immutable tensors in a bounded queue; it never blocks
 * and never throws, and a sample that does not fit is dropped and counted. A request that is not sampled costs a
 * map lookup and a hash, and allocates nothing.
 *
 * <p><b>Worker.</b> One daemon thread owned by the service drains the queue: it appends each sample to the
 * payload log (when configured), extracts the features ({@link FeatureLayout}), feeds the model's baseline
 * capture (saving a completed capture in the state directory, when configured) or the version's
 * {@link DriftMonitor}, and POSTs a webhook event (off the request path, bounded retries) when a version starts
 * or stops drifting. It also closes time-based windows every {@link DriftServiceOptions#tickInterval()}.
 *
 * <p><b>Reading.</b> {@link #report}, {@link #reports}, {@link #driftScore} and {@link #counters} are cheap,
 * thread-safe reads of immutable results, for the admin API, metrics and canary gates.
 *
 * <p><b>Lifecycle.</b> {@link #configure} a model when it becomes ready (again after a config change: state
 * resets), {@link #remove} it when unloaded, {@link #close} at shutdown. Time (sample timestamps, windows) comes
 * from the injected clock.
 */
public final class DriftService implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DriftService.class.getName());

  private final DriftServiceOptions options;
  private final Clock clock;
  private final Map<String, ModelDrift> models = new ConcurrentHashMap<>();
  private final SampleQueue queue;
  private final PayloadLog payloadLog;
  private final BaselineStore baselines;
  // Orders a recapture's reset and file deletion against the worker's save of a capture it just completed.
  private final Object baselineLock = new Object();
  private final boolean logOutputs;
  private final Thread worker;
  private final LongAdder processed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder payloadLogged = new LongAdder();
  private final LongAdder payloadLogDropped = new LongAdder();
  private volatile WebhookNotifier webhooks;
  private volatile boolean closed;

  /** Starts the service and its worker thread. */
  public DriftService(DriftServiceOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    this.queue = new SampleQueue(options.queueCapacity(), options.maxPendingBytes());
    this.payloadLog = options.payloadLogDirectory()
        .map(directory -> new PayloadLog(directory, options.payloadLogMaxFileBytes(), options.payloadLogMaxFiles()))
        .orElse(null);
    this.baselines = options.baselineDirectory().map(BaselineStore::new).orElse(null);
    this.logOutputs = payloadLog != null;
    this.worker = new Thread(this::work, "sluice-drift-worker");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Configures (or reconfigures, resetting its state) sampling and drift detection for {@code modelName} from
   * the {@code parameters} of its config. With a baseline file, the file is read and checked against
   * {@code signature} here, off the request path. With {@code sluice.drift.baseline_samples} and a state
   * directory ({@link DriftServiceOptions#stateDirectory()}), a baseline captured earlier and saved there is
   * restored here when it still fits {@code signature} (see {@link BaselineStore}), and then not captured again;
   * a saved file that does not fit is logged and ignored, never an error.
   *
   * @param modelDirectory the model's directory in the repository; the baseline file must be inside it
   * @param signature the inputs the features are derived from (the stable version's)
   * @throws IllegalArgumentException when a parameter is invalid or the baseline file is missing, malformed or
   *     does not match the model's inputs; sampling and drift are then off for this model (serving is not
   *     affected) until it is configured again
   */
  public void configure(String modelName, Path modelDirectory, ModelConfig config, ModelSignature signature) {
    models.remove(modelName);
    DriftSettings settings = DriftSettings.from(config);
    if (!settings.samplingEnabled() || (!settings.driftEnabled() && payloadLog == null)) {
      return;
    }
    FeatureLayout layout = null;
    BaselineProfile profile = null;
    if (settings.driftEnabled()) {
      layout = FeatureLayout.of(signature);
      if (settings.baselineFile().isPresent()) {
        Path file = settings.resolveBaseline(modelDirectory);
        try {
          profile = BaselineProfiles.read(signature, file);
        } catch (IOException unreadable) {
          throw new IllegalArgumentException("baseline '" + settings.baselineFile().get()
              + "' cannot be read (" + unreadable.getClass().getSimpleName() + ")");
        }
      } else if (baselines != null) {
        profile = baselines.restore(modelName, signature, settings.baselineSamples());
      }
    }
    models.put(modelName, new ModelDrift(modelName, settings, layout, signature, profile));
  }

  /**
   * Discards the baseline captured for {@code modelName} ({@code sluice.drift.baseline_samples}), in memory and
   * in the state directory, and captures a new one from the stable version's next samples; the versions'
   * windows start over against it. For an operator whose traffic changed on purpose (new data, a promoted
   * version trained on it).
   *
   * @return the model's report now: capturing the baseline (empty until the stable version is known)
   * @throws InferenceException NOT_FOUND when the model has no drift detection; INVALID_ARGUMENT when its
   *     baseline is a file ({@code sluice.drift.baseline}), which only a new file and a reload replace
   */
  public Optional<DriftReport> recapture(String modelName) {
    synchronized (baselineLock) {
      ModelDrift drift = models.get(modelName);
      if (drift == null || !drift.driftEnabled()) {
        throw InferenceException.notFound("model " + InferenceException.quoted(modelName)
            + " has no drift detection (it needs sluice.sample_rate and a baseline in its config)");
      }
      Optional<String> file = drift.settings().baselineFile();
      if (file.isPresent()) {
        throw InferenceException.invalid("model '" + modelName + "' takes its drift baseline from the file '"
            + file.get() + "' (sluice.drift.baseline): replace the file and reload the model to change it");
      }
      ModelDrift fresh = drift.recaptured();
      if (!models.replace(modelName, drift, fresh)) {
        // reloaded or removed meanwhile: its new state (or its absence) stands
        throw InferenceException.unavailable("model " + InferenceException.quoted(modelName)
            + " was reconfigured meanwhile; ask again");
      }
      if (baselines != null) {
        baselines.delete(modelName);
      }
      return Optional.ofNullable(fresh.report());
    }
  }

  /** Stops sampling {@code modelName} and forgets its state. */
  public void remove(String modelName) {
    models.remove(modelName);
  }

  /**
   * Names the stable version of {@code modelName}: a baseline capture ({@code sluice.drift.baseline_samples})
   * uses only its samples (until set, the first version to send a sample), and {@link #report(String)} prefers
   * its report. Call it when the canary router's stable version changes.
   */
  public void markStable(String modelName, String version) {
    ModelDrift drift = models.get(modelName);
    if (drift != null) {
      drift.markStable(version);
    }
  }

  /**
   * Offers a successful inference for sampling. Non-blocking, never throws; allocates nothing when the request
   * is not sampled.
   *
   * @param version the version that ran, as in {@link InferenceResponse#modelVersion()}
   * @param response the response; its outputs are kept only for the payload log (may be null)
   */
  public void offer(String modelName, String version, InferenceRequest request, InferenceResponse response) {
    try {
      ModelDrift drift = modelName == null ? null : models.get(modelName);
      if (drift == null || closed || !drift.sampling().sampled(request.id())) {
        return;
      }
      List<Tensor> inputs = request.inputs();
      List<Tensor> outputs = logOutputs && response != null ? response.outputs() : List.of();
      long bytes = 0;
      for (int i = 0; i < inputs.size(); i++) {
        bytes += inputs.get(i).byteLength();
      }
      for (int i = 0; i < outputs.size(); i++) {
        bytes += outputs.get(i).byteLength();
      }
      queue.offer(new Sample(drift, version == null ? "" : version, request.id(), inputs, outputs,
          clock.millis(), bytes));
    } catch (RuntimeException unexpected) {
      failed.increment();
    }
  }

  /**
   * The model's drift report: its stable version's (see {@link #markStable}), else the version whose window
   * closed last; while a baseline is being captured, the capture's progress. Empty when the model has no
   * drift detection or no sample arrived yet.
   */
  public Optional<DriftReport> report(String modelName) {
    ModelDrift drift = models.get(modelName);
    return drift == null || !drift.driftEnabled() ? Optional.empty() : Optional.ofNullable(drift.report());
  }

  /** The report of one version; empty when it has none. */
  public Optional<DriftReport> report(String modelName, String version) {
    ModelDrift drift = models.get(modelName);
    return drift == null || !drift.driftEnabled() ? Optional.empty() : Optional.ofNullable(drift.report(version));
  }

  /** The reports of every version of the model that sent samples, ordered by version number. */
  public List<DriftReport> reports(String modelName) {
    ModelDrift drift = models.get(modelName);
    return drift == null || !drift.driftEnabled() ? List.of() : drift.reports();
  }

  /**
   * The drift score of a version for canary gates and metrics: the share of its tested features that drifted
   * in the latest complete window, in [0, 1] ({@link DriftReport#driftShare()}); NaN when unknown (no drift
   * detection, no complete window yet).
   */
  public double driftScore(String modelName, String version) {
    ModelDrift drift = models.get(modelName);
    DriftReport report = drift == null || !drift.driftEnabled() ? null : drift.report(version);
    return report == null ? Double.NaN : report.driftShare();
  }

  /** The baseline in use for the model: read from a file, restored or captured; empty when none (yet). */
  public Optional<BaselineProfile> baseline(String modelName) {
    ModelDrift drift = models.get(modelName);
    return drift == null ? Optional.empty() : Optional.ofNullable(drift.baselineProfile());
  }

  /** Models configured for sampling. */
  public List<String> models() {
    return List.copyOf(models.keySet());
  }

  /** Cumulative counters for metrics. */
  public DriftCounters counters() {
    WebhookNotifier notifier = webhooks;
    return new DriftCounters(queue.accepted(), queue.dropped(), processed.sum(), failed.sum(),
        payloadLogged.sum(), payloadLogDropped.sum(), notifier == null ? 0 : notifier.sent(),
        notifier == null ? 0 : notifier.failed(), notifier == null ? 0 : notifier.dropped());
  }

  /** Stops the worker (samples still queued are discarded), closes the payload log and webhook client. */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    WebhookNotifier notifier = webhooks;
    if (notifier != null) {
      notifier.close();
    }
  }

  private void work() {
    long tick = options.tickInterval().toMillis();
    long lastTick = clock.millis();
    try {
      while (!closed) {
        Sample sample;
        try {
          sample = queue.poll(Math.max(1, tick), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
          continue;
        }
        long now = clock.millis();
        if (sample != null) {
          process(sample, now);
        }
        if (now - lastTick >= tick || now < lastTick) {
          lastTick = now;
          expireWindows(now);
        }
      }
    } finally {
      if (payloadLog != null) {
        payloadLog.close();
      }
    }
  }

  private void process(Sample sample, long now) {
    try {
      if (payloadLog != null) {
        boolean written = payloadLog.append(sample.model().name(), sample.version(), sample.id(),
            sample.timeMillis(), sample.inputs(), sample.outputs());
        (written ? payloadLogged : payloadLogDropped).increment();
      }
      ModelDrift drift = sample.model();
      if (drift.driftEnabled() && models.get(drift.name()) == drift) {
        List<InputValues> values = new ArrayList<>(sample.inputs().size());
        for (Tensor tensor : sample.inputs()) {
          values.add(new TensorValues(tensor));
        }
        BaselineProfile before = drift.baselineProfile();
        DriftReport changed = drift.accept(sample.version(), values, now);
        if (before == null && baselines != null && drift.baselineProfile() != null) {
          // this sample completed the capture (only the capturing version's samples reach it); not saved when a
          // recapture replaced the model's state meanwhile
          synchronized (baselineLock) {
            if (models.get(drift.name()) == drift) {
              baselines.save(new BaselineCapture(drift.name(), sample.version(), drift.signature().maxBatchSize(),
                  now), drift.baselineProfile());
            }
          }
        }
        if (changed != null) {
          notifyChange(drift, changed);
        }
      }
      processed.increment();
    } catch (RuntimeException unexpected) {
      failed.increment();
      long count = failed.sum();
      if (Long.bitCount(count) == 1) { // 1st, 2nd, 4th, ... failure: visible without flooding the log
        LOG.log(System.Logger.Level.WARNING, "drift sample of model '" + sample.model().name()
            + "' failed (" + count + " so far)", unexpected);
      }
    } finally {
      queue.done(sample);
    }
  }

  private void expireWindows(long now) {
    for (ModelDrift drift : models.values()) {
      try {
        for (DriftReport changed : drift.expire(now)) {
          notifyChange(drift, changed);
        }
      } catch (RuntimeException unexpected) {
        failed.increment();
      }
    }
  }

  private void notifyChange(ModelDrift drift, DriftReport report) {
    LOG.log(System.Logger.Level.INFO, "model '" + report.model() + "' version " + report.version()
        + (report.drifting() ? " is drifting" : " stopped drifting") + " (drift share " + report.driftShare()
        + ")");
    if (drift.settings().webhook().isEmpty()) {
      return;
    }
    WebhookNotifier notifier = webhooks;
    if (notifier == null) {
      notifier = new WebhookNotifier(options.webhookTimeout(), options.webhookAttempts(),
          options.webhookBackoff(), Executors.newSingleThreadExecutor(DriftService::webhookThread));
      webhooks = notifier;
    }
    notifier.post(drift.settings().webhook().get(), event(report));
  }

  /** The webhook body: {@code {"event":"drift_started"|"drift_stopped","report":{...}}}. */
  static String event(DriftReport report) {
    return "{\"event\":\"" + (report.drifting() ? "drift_started" : "drift_stopped") + "\",\"report\":"
        + report.toJson() + "}";
  }

  private static Thread webhookThread(Runnable task) {
    Thread thread = new Thread(task, "sluice-drift-webhook");
    thread.setDaemon(true);
    return thread;
  }
}
