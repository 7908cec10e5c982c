package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.RequestObserver;
import io.sluice.gateway.core.RequestRecorder;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.lifecycle.ModelState;
import io.sluice.runtime.lifecycle.ModelStatus;
import io.sluice.runtime.session.ModelVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The gateway's request metrics: Micrometer meters (request counts, latency timers, queue depth, in-flight,
 * model states, JVM and process) and the HdrHistogram {@link LatencyRecorders}, fed by the request path as
 * its {@link RequestObserver}.
 *
 * <p>Meters (names as Micrometer writes them; Prometheus renders {@code sluice_inference_requests_total},
 * {@code sluice_inference_latency_seconds_bucket}, ...):
 * <ul>
 *   <li>{@value #REQUESTS} (counter; tags model, version, protocol, outcome): every inference request once,
 *       when its answer was written. Requests that never reached a version have version
 *       {@value #NO_VERSION}; a name that is not a known model is tagged model {@value #UNKNOWN_MODEL}, so
 *       clients cannot create series by sending names.
 *   <li>{@value #LATENCY} (timer with service-level-objective buckets {@link #LATENCY_SLOS}; tags model,
 *       version, protocol): end-to-end server time of successful requests.
 *   <li>{@value #QUEUE_DEPTH} and {@value #IN_FLIGHT} (gauges; tags model, version): requests admitted and
 *       not finished, and requests holding the version ({@link ModelVersion#queued()},
 *       {@link ModelVersion#inFlight()}); 0 once the version is unloaded and drained.
 *   <li>{@value #MODEL_STATE} (gauges; tags model, state): one gauge per model and {@link ModelState}, 1 for
 *       the model's current state and 0 for the others (so {@code sluice_model_state == 1} selects states).
 *   <li>{@value #ERRORS} (counter): failures inside the metrics code, which never reach a request.
 *   <li>JVM and process: Micrometer's {@link JvmMemoryMetrics}, {@link JvmGcMetrics},
 *       {@link JvmThreadMetrics}, {@link ProcessorMetrics}, {@link UptimeMetrics},
 *       {@link FileDescriptorMetrics}.
 * </ul>
 * Meters of a version are created once, when it is first seen (by {@link #refresh()}, which runs every
 * interval and before every scrape, or by its first request), never per request. More meters (canary weights
 * and rollout state, drift scores) join through {@link #bind(MeterBinder)}.
 *
 * <p>Lifecycle: construct, {@link #start()} the interval scheduler, {@link #close()}. Thread-safe.
 */
public final class InferenceMetrics implements RequestObserver, AutoCloseable {
  public static final String REQUESTS = "sluice.inference.requests";
  public static final String LATENCY = "sluice.inference.latency";
  public static final String QUEUE_DEPTH = "sluice.inference.queue.depth";
  public static final String IN_FLIGHT = "sluice.inference.in.flight";
  public static final String MODEL_STATE = "sluice.model.state";
  public static final String ERRORS = "sluice.metrics.errors";
  /** The model tag of requests whose model name is not a known model. */
  public static final String UNKNOWN_MODEL = "(unknown)";
  /** The version tag of requests that never reached a version. */
  public static final String NO_VERSION = "none";
  /** Bucket boundaries of {@value #LATENCY}. */
  public static final List<Duration> LATENCY_SLOS = List.of(Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10));

  private static final System.Logger LOG = System.getLogger(InferenceMetrics.class.getName());

  private final ModelManager models;
  private final VersionSignals signals;
  private final MeterRegistry registry;
  private final MetricsOptions options;
  private final LatencyRecorders latency;
  private final LongAdder errors = new LongAdder();
  /** Fast path: the loaded instance to its meters (identity keys: ModelVersion keeps Object's equality). */
  private final Map<ModelVersion, VersionMeters> byInstance = new ConcurrentHashMap<>();
  /** Meters by model name and version number, surviving reloads of the same version. */
  private final Map<String, Map<String, VersionMeters>> byVersion = new ConcurrentHashMap<>();
  /** Counters of requests that never reached a version, by known model name. */
  private final Map<String, UnservedMeters[]> byModel = new ConcurrentHashMap<>();
  private final UnservedMeters[] unknown;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final ScheduledExecutorService scheduler;
  private final LongSupplier wallClock;
  /** How long the meters of an unloaded version stay (see {@link #pruneUnloaded}). */
  private final long retentionMillis;

  /**
   * Registers the process-wide meters in {@code registry} right away; model meters follow as models load.
   */
  public InferenceMetrics(ModelManager models, MeterRegistry registry, MetricsOptions options) {
    this(models, registry, options, null);
  }

  /**
   * As above, also feeding every version's requests into {@code signals} (the canary's windowed
   * measurements), through the same per-request recorder call.
   *
   * @param signals the canary signals, or null for none
   */
  public InferenceMetrics(ModelManager models, MeterRegistry registry, MetricsOptions options,
      VersionSignals signals) {
    this(models, registry, options, signals, System::currentTimeMillis);
  }

  /** As above, on {@code wallClock} (epoch milliseconds; tests move it by hand). */
  InferenceMetrics(ModelManager models, MeterRegistry registry, MetricsOptions options, VersionSignals signals,
      LongSupplier wallClock) {
    this.wallClock = wallClock;
    this.retentionMillis = Math.max(VersionSignals.HISTORY_SECONDS * 1000L,
        options.latencyInterval().toMillis() * options.historyIntervals());
    this.models = models;
    this.signals = signals;
    this.registry = registry;
    this.options = options;
    this.latency = new LatencyRecorders(options.historyIntervals(), wallClock);
    this.unknown = unservedMeters(UNKNOWN_MODEL);
    FunctionCounter.builder(ERRORS, errors, LongAdder::doubleValue)
        .description("Failures inside the metrics code (never passed on to requests)")
        .register(registry);
    for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gcMetrics, new JvmThreadMetrics(),
        new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(registry);
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "sluice-metrics");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The registry every meter is in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The HdrHistogram latency series. */
  public LatencyRecorders latency() {
    return latency;
  }

  public MetricsOptions options() {
    return options;
  }

  /**
   * Adds meters from another part of the server (canary weights and rollout state, drift scores, ...) to
   * the same registry.
   */
  public void bind(MeterBinder binder) {
    binder.bindTo(registry);
  }

  /**
   * Starts the control thread that, every {@link MetricsOptions#latencyInterval()}, registers meters of newly
   * loaded versions and advances the latency intervals.
   */
  public void start() {
    refresh();
    long period = options.latencyInterval().toMillis();
    scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      refresh();
      latency.advance();
    } catch (RuntimeException e) {
      errors.increment();
      LOG.log(System.Logger.Level.WARNING, "metrics interval failed", e);
    }
  }

  /**
   * Registers the meters of every model and loaded version not seen yet, and lets the gauges of unloaded,
   * drained versions drop to 0. Cheap when nothing changed.
   */
  public void refresh() {
    for (ModelStatus status : models.models()) {
      if (!byModel.containsKey(status.name())) {
        trackModel(status.name());
      }
      for (ModelVersion loaded : status.versions().values()) {
        if (!byInstance.containsKey(loaded)) {
          track(loaded);
        }
      }
    }
    List<ModelVersion> gone = new ArrayList<>();
    for (ModelVersion seen : byInstance.keySet()) {
      if (seen.retired() && seen.closed().isDone()) {
        gone.add(seen);
      }
    }
    for (ModelVersion closed : gone) {
      VersionMeters meters = byInstance.remove(closed);
      synchronized (this) {
        if (meters != null && meters.current() == closed) {
          meters.current(null);
        }
      }
    }
    pruneUnloaded(wallClock.getAsLong());
  }

  @Override
  public RequestRecorder served(ModelVersion version, Protocol protocol) {
    VersionMeters meters = byInstance.get(version);
    if (meters == null) {
      meters = track(version);
    }
    return meters.served(protocol);
  }

  @Override
  public RequestRecorder unserved(String modelName, Protocol protocol) {
    UnservedMeters[] meters = modelName == null ? null : byModel.get(modelName);
    return (meters == null ? unknown : meters)[protocol.ordinal()];
  }

  /** The meters of {@code version}, creating them on first sight. */
  private synchronized VersionMeters track(ModelVersion version) {
    VersionMeters meters = byInstance.get(version);
    if (meters != null) {
      return meters;
    }
    trackModel(version.modelName());
    Map<String, VersionMeters> versions = byVersion.computeIfAbsent(version.modelName(),
        name -> new ConcurrentHashMap<>());
    meters = versions.get(version.versionText());
    if (meters == null) {
      meters = versionMeters(version.modelName(), version.versionText());
      versions.put(version.versionText(), meters);
    }
    // The newest loaded instance of a version is the one its gauges read.
    if (!version.retired()) {
      meters.current(version);
    }
    byInstance.put(version, meters);
    return meters;
  }

  private synchronized void trackModel(String name) {
    if (byModel.containsKey(name)) {
      return;
    }
    for (ModelState state : ModelState.values()) {
      Gauge.builder(MODEL_STATE, this, metrics -> metrics.stateOf(name) == state ? 1 : 0)
          .description("1 for the model's current lifecycle state, 0 for the others")
          .tags("model", name, "state", state.name())
          .strongReference(true)
          .register(registry);
    }
    byModel.put(name, unservedMeters(name));
  }

  private ModelState stateOf(String name) {
    try {
      return models.status(name).state();
    } catch (RuntimeException unknownModel) {
      return null;
    }
  }

  private VersionMeters versionMeters(String model, String version) {
    SignalHistory history = signals == null ? null : signals.history(model, Long.parseLong(version));
    ServedMeters[] byProtocol = new ServedMeters[Protocol.values().length];
    List<Meter> registered = new ArrayList<>();
    for (Protocol protocol : Protocol.values()) {
      Tags tags = Tags.of("model", model, "version", version, "protocol", protocol.tag());
      Timer timer = Timer.builder(LATENCY)
          .description("End-to-end server time of successful inference requests, first byte in to last byte out")
          .tags(tags)
          .serviceLevelObjectives(LATENCY_SLOS.toArray(new Duration[0]))
          .register(registry);
      Counter[] counters = requestCounters(tags);
      registered.add(timer);
      registered.addAll(List.of(counters));
      byProtocol[protocol.ordinal()] = new ServedMeters(counters, timer, latency.create(model, version, protocol),
          errors, history);
    }
    VersionMeters meters = new VersionMeters(model, version, byProtocol, registered);
    Tags tags = Tags.of("model", model, "version", version);
    registered.add(Gauge.builder(QUEUE_DEPTH, meters, VersionMeters::queueDepth)
        .description("Requests admitted to the version and not yet finished")
        .tags(tags).strongReference(true).register(registry));
    registered.add(Gauge.builder(IN_FLIGHT, meters, VersionMeters::inFlight)
        .description("Requests holding the version: queued, running or being answered")
        .tags(tags).strongReference(true).register(registry));
    return meters;
  }

  /**
   * Drops the meters, latency series and canary history of versions no instance of which has been loaded for
   * {@link #retentionMillis}: long enough for the last scrapes, the latency log and the canary windows to see
   * their final values, so a model whose versions keep changing does not grow the registry without bound.
   */
  private synchronized void pruneUnloaded(long now) {
    for (Map.Entry<String, Map<String, VersionMeters>> model : byVersion.entrySet()) {
      Iterator<VersionMeters> versions = model.getValue().values().iterator();
      while (versions.hasNext()) {
        VersionMeters meters = versions.next();
        if (meters.current() != null || byInstance.containsValue(meters)) {
          continue;
        }
        if (meters.goneSinceMillis() < 0) {
          meters.goneSinceMillis(now);
        } else if (now - meters.goneSinceMillis() >= retentionMillis) {
          versions.remove();
          for (Meter meter : meters.registered()) {
            registry.remove(meter);
          }
          latency.remove(meters.model(), meters.version());
          if (signals != null) {
            signals.forget(meters.model(), Long.parseLong(meters.version()));
          }
        }
      }
    }
  }

  private UnservedMeters[] unservedMeters(String model) {
    UnservedMeters[] byProtocol = new UnservedMeters[Protocol.values().length];
    for (Protocol protocol : Protocol.values()) {
      byProtocol[protocol.ordinal()] = new UnservedMeters(
          requestCounters(Tags.of("model", model, "version", NO_VERSION, "protocol", protocol.tag())), errors);
    }
    return byProtocol;
  }

  private Counter[] requestCounters(Tags tags) {
    Counter[] counters = new Counter[Outcome.ALL.size()];
    for (Outcome outcome : Outcome.ALL) {
      counters[outcome.ordinal()] = Counter.builder(REQUESTS)
          .description("Inference requests by how they ended, counted when the answer was written")
          .tags(tags).tag("outcome", outcome.tag())
          .register(registry);
    }
    return counters;
  }

  /** Stops the interval scheduler and the GC listeners. Meters stay in the registry. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    gcMetrics.close();
  }
}
