package io.sluice.gateway.contract;

import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.proto.config.DataType;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.proto.config.ModelInput;
import io.sluice.proto.config.ModelOutput;
import io.sluice.runtime.lifecycle.ControlMode;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * One in-process server on ephemeral loopback ports, shared by the contract suites of every front end and by
 * the hardening corpus in this JVM: the sample repository plus the test models, in explicit control mode with
 * every model loaded, with bodies and gRPC messages limited to {@value #MAX_MESSAGE_BYTES} bytes (small, so
 * over-limit cases stay cheap). Started on first use; stopped by a shutdown hook.
 */
public final class ContractServer {
  public static final String IDENTITY = "identity_all";
  public static final String FIXED_ADD = "fixed_add";
  public static final String SCALE = "scale_int64";
  public static final String TWO_OUTPUTS = "two_outputs";
  public static final String SPARE = "spare";
  /**
   * {@code y = x}, FP32 {@code [batch, 4]} behind the dynamic batcher, with {@code max_batch_size}
   * {@value #BATCHED_MAX_BATCH_SIZE}.
   */
  public static final String BATCHED = "batched_identity";
  public static final int BATCHED_MAX_BATCH_SIZE = 8;
  /** The largest HTTP body and gRPC message the server accepts. */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  private static SluiceServer server;
  private static Path repository;

  private ContractServer() {}

  public static synchronized SluiceServer get() {
    if (server == null) {
      try {
        repository = Files.createTempDirectory("sluice-contract");
        SampleRepository.write(repository);
        TestModels.writeModel(repository, IDENTITY, 1, TestModels.identityAll());
        TestModels.writeModel(repository, FIXED_ADD, 1, TestModels.fixedAdd());
        TestModels.writeModel(repository, SCALE, 1, TestModels.scaleInt64());
        TestModels.writeModel(repository, TWO_OUTPUTS, 1, TestModels.twoOutputs());
        TestModels.writeModel(repository, SPARE, 1, TestModels.tagged(5));
        // One MatMul with an identity weight: exact answers that show any mix-up between batched requests.
        TestModels.writeModel(repository, BATCHED, 1, TestModels.slowMatMul(4, 1));
        TestModels.writeConfig(repository, BATCHED, batchedConfig());
        LifecycleOptions explicitAll = new LifecycleOptions(ControlMode.EXPLICIT, Set.of("*"), 60_000, true, 5_000);
        server = new SluiceServer(ServerConfig.loopback(repository).withLifecycle(explicitAll)
            .withMaxBodyBytes(MAX_MESSAGE_BYTES)).start();
        SluiceServer started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return server;
  }

  /** The server's model repository (a temporary directory), so tests can check no message names it. */
  public static synchronized Path repository() {
    get();
    return repository;
  }

  private static ModelConfig batchedConfig() {
    return ModelConfig.newBuilder()
        .setName(BATCHED)
        .setMaxBatchSize(BATCHED_MAX_BATCH_SIZE)
        .addInput(ModelInput.newBuilder().setName("x").setDataType(DataType.TYPE_FP32).addDims(4))
        .addOutput(ModelOutput.newBuilder().setName("y").setDataType(DataType.TYPE_FP32).addDims(4))
        .setDynamicBatching(ModelDynamicBatching.newBuilder().setMaxQueueDelayMicroseconds(1000))
        .build();
  }
}
