package io.sluice.runtime.session;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.Scheduler;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.repository.FileStamp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded, routable model version: everything the hot path needs, resolved once when the version became
 * ready (session, validated signature, effective config, scheduler, statistics). Final fields only.
 *
 * <p>Draining: callers {@link #tryAcquire()} before submitting and {@link #release()} when the request is
 * done. Once the lifecycle {@link #retire retires} a version (after removing it from the routing snapshot),
 * no new acquire succeeds and the session closes when the last user releases it, so no admitted request
 * ever meets a closed session.
 */
public final class ModelVersion implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelVersion.class.getName());

  private final String modelName;
  private final long version;
  private final String versionText;
  private final ModelSignature signature;
  private final ModelConfig config;
  private final Scheduler scheduler;
  private final VersionStatistics statistics;
  private final OrtSession session;
  private final OnnxRunner runner;
  private final FileStamp fileStamp;
  private final String device;
  private final FileStamp configStamp;
  private final AtomicInteger users = new AtomicInteger();
  private final AtomicBoolean closeScheduled = new AtomicBoolean();
  private boolean sessionClosed;
  private volatile boolean retired;
  private volatile Executor closer;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  ModelVersion(String modelName, long version, ModelSignature signature, ModelConfig config,
      Scheduler scheduler, VersionStatistics statistics, OrtSession session, OnnxRunner runner,
      FileStamp fileStamp, FileStamp configStamp, String device) {
    this.runner = runner;
    this.device = device;
    this.fileStamp = fileStamp;
    this.configStamp = configStamp;
    this.modelName = modelName;
    this.version = version;
    this.versionText = Long.toString(version);
    this.signature = signature;
    this.config = config;
    this.scheduler = scheduler;
    this.statistics = statistics;
    this.session = session;
  }

  public String modelName() {
    return modelName;
  }

  public long version() {
    return version;
  }

  /** The version as the protocol writes it. */
  public String versionText() {
    return versionText;
  }

  public ModelSignature signature() {
    return signature;
  }

  /** The effective config: the model's {@code config.pbtxt} completed from the ONNX model. */
  public ModelConfig config() {
    return config;
  }

  public VersionStatistics statistics() {
    return statistics;
  }

  /** What runs this version's requests on its session (its scheduler's runner). */
  OnnxRunner runner() {
    return runner;
  }

  /** Where the session runs: {@code cpu}, {@code cuda:N}, or {@code cpu (CUDA fallback)}. */
  public String device() {
    return device;
  }

  /** The model file's stamp when this version was loaded. */
  public FileStamp fileStamp() {
    return fileStamp;
  }

  /** The config file's stamp when this version was loaded. */
  public FileStamp configStamp() {
    return configStamp;
  }

  /**
   * Takes a use of this version for one request; false once it is retired (the caller resolves again).
   * Every successful acquire must be paired with one {@link #release()}.
   */
  public boolean tryAcquire() {
    users.incrementAndGet();
    if (retired) {
      release();
      return false;
    }
    return true;
  }

  /** Ends a use taken by {@link #tryAcquire()}; the last release of a retired version closes it. */
  public void release() {
    if (users.decrementAndGet() == 0 && retired) {
      closeOnce();
    }
  }

  /**
   * Stops new acquires and closes the session (on {@code closeExecutor}) once in-flight requests are done.
   *
   * @return completes when the session is closed
   */
  public CompletableFuture<Void> retire(Executor closeExecutor) {
    this.closer = closeExecutor;
    retired = true;
    if (users.get() == 0) {
      closeOnce();
    }
    return drained;
  }

  /** Whether {@link #retire} was called. */
  public boolean retired() {
    return retired;
  }

  /** Requests currently holding this version. */
  public int inFlight() {
    return users.get();
  }

  private void closeOnce() {
    if (closeScheduled.compareAndSet(false, true)) {
      Executor executor = closer;
      Runnable close = () -> close(30_000);
      if (executor == null) {
        close.run();
      } else {
        try {
          executor.execute(close);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
          close.run();
        }
      }
    }
  }

  /** Requests admitted and not yet finished. */
  public int queued() {
    return scheduler.queued();
  }

  /**
   * Validates {@code request} against the signature and admits it to this version's scheduler. Validation
   * errors throw at once (the model is never invoked); admission and run failures complete the future.
   */
  public CompletableFuture<InferenceResponse> submit(InferenceRequest request) {
    signature.validate(request);
    return scheduler.submit(request);
  }

  /** Completes when the session is closed. */
  public CompletableFuture<Void> closed() {
    return drained;
  }

  /**
   * Stops admitting, waits up to {@code timeoutMillis} for admitted requests, then closes the session.
   * Idempotent. Prefer {@link #retire}, which waits for every user instead of a timeout.
   */
  public synchronized void close(long timeoutMillis) {
    if (sessionClosed) {
      return;
    }
    sessionClosed = true;
    scheduler.close();
    try {
      if (!scheduler.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: requests still running at close",
            modelName, versionText);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      runner.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: releasing run options failed: {2}", modelName,
          versionText, e.getMessage());
    }
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: session close failed: {2}", modelName,
          versionText, e.getMessage());
    }
    drained.complete(null);
  }

  @Override
  public void close() {
    close(30_000);
  }
}
