package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.InferenceClient;
import io.sluice.benchmarks.load.client.ServerStatistics;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one load against a prepared client: warm-up, measured window, drain; reads the server's statistics
 * around the window; once a second writes the interval histogram to the log and a progress line.
 *
 * <p>Single use, not thread-safe: {@link #execute()} runs on the caller's thread and starts the driver's.
 */
final class LoadRun {

  private static final long SECOND = 1_000_000_000L;
  private static final long START_DELAY_NANOS = 20_000_000L;
  private static final long CANCEL_CHECK_NANOS = 100_000_000L;

  private final InferenceClient client;
  private final LoadShape shape;
  private final String label;
  private final PrintWriter progress;
  private final HistogramLogWriter log;
  private final LongSupplier clock;
  private final AtomicBoolean cancel;

  private final Histogram latency = newHistogram();
  private final Histogram serviceTime = newHistogram();
  private final Histogram sendLag = newHistogram();
  private Histogram recycleLatency;
  private Histogram recycleService;
  private Histogram recycleLag;

  /**
   * @param label names the run in progress lines and tags its log intervals (may be {@code null})
   * @param log receives interval histograms of the measured window, or {@code null}
   * @param cancel when set (from any thread), the run stops sending within 100 ms, drains for at most 2 s and
   *     returns what it measured
   */
  LoadRun(InferenceClient client, LoadShape shape, String label, PrintWriter progress, HistogramLogWriter log,
      LongSupplier clock, AtomicBoolean cancel) {
    this.cancel = cancel;
    this.client = client;
    this.shape = shape;
    this.label = label;
    this.progress = progress;
    this.log = log;
    this.clock = clock;
  }

  RunResult execute() throws InterruptedException {
    // statistics bracket the window; null until read, empty when the server has none
    Optional<ServerStatistics> before = shape.warmup().isZero() ? client.statistics() : null;
    // the schedule starts a moment ahead so that starting the driver thread does not make the first sends late
    long start = clock.getAsLong() + START_DELAY_NANOS;
    long windowStart = start + shape.warmup().toNanos();
    long end = shape.duration() == null ? Long.MAX_VALUE : windowStart + shape.duration().toNanos();
    LatencyCollector collector = new LatencyCollector(windowStart, clock);
    CountDownLatch sendingDone = new CountDownLatch(1);
    AtomicReference<ClientLimit> limit = new AtomicReference<>();
    ExecutorService resend = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "sluice-bench-resend"));
    Runnable stop = startDriver(collector, start, windowStart, end, sendingDone, limit, resend);
    try {
      long nextTick = start + SECOND;
      long wake = Math.min(nextTick, windowStart);
      while (!sendingDone.await(Math.max(0, Math.min(wake, clock.getAsLong() + CANCEL_CHECK_NANOS)
          - clock.getAsLong()), TimeUnit.NANOSECONDS)) {
        long now = clock.getAsLong();
        if (cancel.get()) {
          stop.run();
        }
        if (before == null && now >= windowStart) {
          before = client.statistics();
        }
        if (now >= nextTick) {
          // the interval just ended is labelled by the phase it mostly covered
          tick(collector, start, windowStart, now - SECOND / 2 < windowStart ? "warm-up" : "measuring");
          nextTick += SECOND;
        }
        wake = before == null ? Math.min(nextTick, windowStart) : nextTick;
      }
      long drainDeadline = clock.getAsLong() + client.options().requestTimeout().toNanos() + 2 * SECOND;
      long cancelledDrainDeadline = clock.getAsLong() + 2 * SECOND;
      while (collector.outstanding() > 0 && clock.getAsLong() < drainDeadline
          && !(cancel.get() && clock.getAsLong() > cancelledDrainDeadline)) {
        LockSupport.parkNanos(1_000_000);
        if (clock.getAsLong() >= nextTick) {
          tick(collector, start, windowStart, "draining");
          nextTick += SECOND;
        }
      }
    } finally {
      stop.run();
      resend.shutdown();
    }
    tick(collector, start, windowStart, "done");
    Map<String, Long> errors = new HashMap<>(collector.errorsByStatus());
    if (collector.outstanding() > 0) {
      errors.merge("no_response", (long) collector.outstanding(), Long::sum);
    }
    ClientLimit clientLimit = limit.get();
    if (clientLimit == null && shape.openLoop()) {
      clientLimit = lateSends();
    }
    long last = collector.lastCompletionNanos();
    long windowEnd = last == Long.MIN_VALUE ? Math.min(clock.getAsLong(), end) : last;
    double measuredSeconds = Math.max(0, windowEnd - windowStart) / 1e9;
    ServerStatistics server = null;
    if (before != null && before.isPresent()) {
      Optional<ServerStatistics> after = client.statistics();
      if (after.isPresent()) {
        server = after.get().minus(before.get());
      }
    }
    return new RunResult(label, shape, latency, serviceTime, sendLag, collector.successes(), errors,
        collector.sent(), measuredSeconds, clientLimit, server, cancel.get());
  }

  /**
   * Judges the schedule: isolated hiccups (a GC pause, a descheduled thread) make a few sends late and are
   * charged to latency; a client that cannot keep up makes many late, and the run is then not a measurement.
   */
  private ClientLimit lateSends() {
    long total = sendLag.getTotalCount();
    long toleranceMicros = shape.maxLag().toNanos() / 1000;
    if (total == 0 || sendLag.getMaxValue() <= toleranceMicros) {
      return null;
    }
    double lateShare = (double) sendLag.getCountBetweenValues(toleranceMicros + 1, sendLag.getMaxValue()) / total;
    if (lateShare <= shape.maxLateShare()) {
      return null;
    }
    return new ClientLimit(ClientLimit.Kind.SCHEDULE_LAG, String.format(Locale.ROOT,
        "the client could not keep up with %s req/s: %.1f%% of sends were more than --max-lag %s behind schedule "
            + "(p99 %s; more CPU or --io-threads for the client, or a lower --rate)", Durations.formatRate(shape.rate()),
        100 * lateShare, Durations.format(shape.maxLag()), Durations.formatMicros(sendLag.getValueAtPercentile(99))));
  }

  private Runnable startDriver(LatencyCollector collector, long start, long windowStart, long end,
      CountDownLatch sendingDone, AtomicReference<ClientLimit> limit, ExecutorService resend) {
    if (shape.openLoop()) {
      ArrivalSchedule schedule = shape.poisson()
          ? ArrivalSchedule.poisson(shape.rate(), shape.seed()) : ArrivalSchedule.constant(shape.rate());
      OpenLoopDriver driver = new OpenLoopDriver(client, collector, schedule, shape.rate(), shape.busyWait(),
          clock);
      long abortLag = Math.max(SECOND, 100 * shape.maxLag().toNanos());
      Thread thread = daemon(() -> {
        try {
          limit.set(driver.run(start, windowStart, end, shape.requests(), shape.maxOutstanding(), abortLag));
        } finally {
          sendingDone.countDown();
        }
      }, "sluice-bench-scheduler");
      thread.setPriority(Thread.MAX_PRIORITY);
      thread.start();
      return driver::stop;
    }
    ClosedLoopDriver driver = new ClosedLoopDriver(client, collector, clock, resend);
    driver.start(shape.concurrency(), windowStart, end, shape.requests());
    Thread waiter = daemon(() -> {
      try {
        driver.awaitSendingDone(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        sendingDone.countDown();
      }
    }, "sluice-bench-closed-loop");
    waiter.start();
    return driver::stop;
  }

  private void tick(LatencyCollector collector, long start, long windowStart, String phase) {
    Histogram interval = collector.intervalLatency(recycleLatency);
    Histogram service = collector.intervalServiceTime(recycleService);
    Histogram lag = collector.intervalSendLag(recycleLag);
    long now = clock.getAsLong();
    if (log != null && now > windowStart) {
      if (label != null) {
        interval.setTag(label);
      }
      log.outputIntervalHistogram(interval);
    }
    latency.add(interval);
    serviceTime.add(service);
    sendLag.add(lag);
    double seconds = Math.max(1e-9, (interval.getEndTimeStamp() - interval.getStartTimeStamp()) / 1000.0);
    if (phase.equals("done") && seconds < 0.25) {
      // a sliver after the last full second: its rate would mislead
      recycle(interval, service, lag);
      return;
    }
    progress.printf(Locale.ROOT, "[%s%5.1fs] %-9s sent %d, ok %d, errors %d, in flight %d | %.0f req/s, p50 %s, "
            + "p99 %s, max %s%n", label == null ? "" : label + " ", (now - start) / 1e9, phase, collector.sent(),
        collector.successes(), collector.failures(), collector.outstanding(), interval.getTotalCount() / seconds,
        Durations.formatMicros(interval.getValueAtPercentile(50)),
        Durations.formatMicros(interval.getValueAtPercentile(99)), Durations.formatMicros(interval.getMaxValue()));
    recycle(interval, service, lag);
  }

  private void recycle(Histogram interval, Histogram service, Histogram lag) {
    recycleLatency = interval;
    recycleService = service;
    recycleLag = lag;
  }

  static Histogram newHistogram() {
    return new Histogram(LatencyCollector.HIGHEST_MICROS, LatencyCollector.DIGITS);
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
