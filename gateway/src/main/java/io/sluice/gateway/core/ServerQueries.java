package io.sluice.gateway.core;

import io.sluice.proto.inference.InferBatchStatistics;
import io.sluice.proto.inference.InferStatistics;
import io.sluice.proto.inference.ModelConfigResponse;
import io.sluice.proto.inference.ModelMetadataResponse;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsResponse;
import io.sluice.proto.inference.ServerMetadataResponse;
import io.sluice.proto.inference.StatisticDuration;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.lifecycle.ModelStatus;
import io.sluice.runtime.repository.VersionNumber;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.TensorSpec;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Everything both front ends answer besides inference: health, server and model metadata, model readiness,
 * config and statistics. Answers are the protocol's protobuf messages, so the gRPC service returns them as
 * they are and the HTTP front end renders the same messages as JSON: one source of truth.
 *
 * <p>Methods throw {@link InferenceException} (NOT_FOUND, INVALID_ARGUMENT) for unknown models or versions.
 */
public final class ServerQueries {
  /** The server name reported in server metadata. */
  public static final String SERVER_NAME = "sluice";
  /** Protocol extensions this server implements. */
  public static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "model_repository", "model_configuration", "statistics");

  private final ModelManager models;
  private final String serverVersion;
  private final BooleanSupplier accepting;
  private final RepositoryControl repository;

  /**
   * @param accepting false once the server is shutting down (readiness turns false first)
   */
  public ServerQueries(ModelManager models, String serverVersion, BooleanSupplier accepting) {
    this.models = models;
    this.serverVersion = serverVersion;
    this.accepting = accepting;
    this.repository = new RepositoryControl(models);
  }

  /** The repository extension (index, load, unload). */
  public RepositoryControl repository() {
    return repository;
  }

  public boolean live() {
    return true;
  }

  /**
   * Ready once the startup models are loaded and warmed (see {@link ModelManager#ready()}) and the server is
   * not shutting down.
   */
  public boolean ready() {
    return accepting.getAsBoolean() && models.ready();
  }

  public ServerMetadataResponse serverMetadata() {
    return ServerMetadataResponse.newBuilder().setName(SERVER_NAME).setVersion(serverVersion)
        .addAllExtensions(EXTENSIONS).build();
  }

  /**
   * Whether {@code name} (and {@code version}, when not empty) can serve requests.
   *
   * @throws InferenceException NOT_FOUND for an unknown model, INVALID_ARGUMENT for a malformed version
   */
  public boolean modelReady(String name, String version) {
    ModelStatus status = models.status(name);
    long number = VersionNumber.parse(version);
    if (number == VersionNumber.UNSPECIFIED) {
      return status.ready();
    }
    return status.versions().containsKey(number);
  }

  /** Metadata of the version that serves {@code name}/{@code version}. */
  public ModelMetadataResponse modelMetadata(String name, String version) {
    ModelStatus status = models.status(name);
    ModelVersion served = models.resolve(name, version);
    ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
        .setName(status.name())
        .setPlatform(served.config().getPlatform())
        .putProperties("device", served.device());
    for (ModelVersion loaded : status.versions().values()) {
      metadata.addVersions(loaded.versionText());
    }
    for (TensorSpec spec : served.signature().inputs()) {
      metadata.addInputs(tensorMetadata(spec));
    }
    for (TensorSpec spec : served.signature().outputs()) {
      metadata.addOutputs(tensorMetadata(spec));
    }
    return metadata.build();
  }

  /** The effective config of the version that serves {@code name}/{@code version}. */
  public ModelConfigResponse modelConfig(String name, String version) {
    return ModelConfigResponse.newBuilder().setConfig(models.resolve(name, version).config()).build();
  }

  /**
   * Statistics of every loaded version of {@code name} (all models when it is empty), or of one version.
   */
  public ModelStatisticsResponse modelStatistics(String name, String version) {
    ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
    if (name == null || name.isEmpty()) {
      if (version != null && !version.isEmpty()) {
        throw InferenceException.invalid("a version needs a model name");
      }
      for (ModelStatus status : models.models()) {
        for (ModelVersion loaded : status.versions().values()) {
          response.addModelStats(statistics(loaded));
        }
      }
      return response.build();
    }
    ModelStatus status = models.status(name);
    if (version == null || version.isEmpty()) {
      for (ModelVersion loaded : status.versions().values()) {
        response.addModelStats(statistics(loaded));
      }
    } else {
      response.addModelStats(statistics(models.resolve(name, version)));
    }
    return response.build();
  }

  /**
   * One version's statistics: per request (success, fail, and the queue and compute phases of successful
   * requests), per execution ({@code execution_count}, {@code inference_count} = samples run) and per batch
   * size ({@code batch_stats}, one entry per batch size executed, ascending).
   */
  private static ModelStatistics statistics(ModelVersion version) {
    VersionStatistics.Snapshot snapshot = version.statistics().snapshot();
    ModelStatistics.Builder statistics = ModelStatistics.newBuilder();
    for (VersionStatistics.BatchDurations batch : snapshot.batches()) {
      statistics.addBatchStats(InferBatchStatistics.newBuilder()
          .setBatchSize(batch.batchSize())
          .setComputeInput(duration(batch.computeInput()))
          .setComputeInfer(duration(batch.computeInfer()))
          .setComputeOutput(duration(batch.computeOutput())));
    }
    return statistics
        .setName(version.modelName())
        .setVersion(version.versionText())
        .setLastInference(snapshot.lastInferenceMillis())
        .setInferenceCount(snapshot.inferenceCount())
        .setExecutionCount(snapshot.executionCount())
        .setInferenceStats(InferStatistics.newBuilder()
            .setSuccess(duration(snapshot.success()))
            .setFail(duration(snapshot.fail()))
            .setQueue(duration(snapshot.queue()))
            .setComputeInput(duration(snapshot.computeInput()))
            .setComputeInfer(duration(snapshot.computeInfer()))
            .setComputeOutput(duration(snapshot.computeOutput()))
            .setCacheHit(StatisticDuration.getDefaultInstance())
            .setCacheMiss(StatisticDuration.getDefaultInstance()))
        .build();
  }

  private static StatisticDuration duration(VersionStatistics.Duration duration) {
    return StatisticDuration.newBuilder().setCount(duration.count()).setNs(duration.nanos()).build();
  }

  private static ModelMetadataResponse.TensorMetadata tensorMetadata(TensorSpec spec) {
    ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
        .setName(spec.name()).setDatatype(spec.type().wireName());
    for (int d = 0; d < spec.rank(); d++) {
      tensor.addShape(spec.dim(d));
    }
    return tensor.build();
  }
}
