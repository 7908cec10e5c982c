package io.sluice.runtime.session;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.exec.DirectScheduler;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.Scheduler;
import io.sluice.runtime.exec.VersionStatistics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A loaded, routable model version: everything the hot path needs, resolved once when the version became
 * ready (session, validated signature, effective config, scheduler, statistics). Final fields only.
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

  ModelVersion(String modelName, long version, ModelSignature signature, ModelConfig config,
      Scheduler scheduler, VersionStatistics statistics, OrtSession session) {
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

  /** Stops admitting, waits up to {@code timeoutMillis} for admitted requests, then closes the session. */
  public void close(long timeoutMillis) {
    scheduler.close();
    try {
      if (scheduler instanceof DirectScheduler direct
          && !direct.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: requests still running at close",
            modelName, versionText);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      session.close();
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: session close failed: {2}", modelName,
          versionText, e.getMessage());
    }
  }

  @Override
  public void close() {
    close(30_000);
  }
}
