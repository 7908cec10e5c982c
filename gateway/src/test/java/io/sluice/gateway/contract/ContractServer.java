package io.sluice.gateway.contract;

import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import io.sluice.runtime.lifecycle.ControlMode;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * One in-process server on ephemeral loopback ports, shared by the contract suites of every front end in
 * this JVM: the sample repository plus the test models, in explicit control mode with every model loaded. Started on first use; stopped by a shutdown hook.
 */
final class ContractServer {
  static final String IDENTITY = "identity_all";
  static final String FIXED_ADD = "fixed_add";
  static final String SCALE = "scale_int64";
  static final String TWO_OUTPUTS = "two_outputs";
  static final String SPARE = "spare";

  private static SluiceServer server;

  private ContractServer() {}

  static synchronized SluiceServer get() {
    if (server == null) {
      try {
        Path repository = Files.createTempDirectory("sluice-contract");
        SampleRepository.write(repository);
        TestModels.writeModel(repository, IDENTITY, 1, TestModels.identityAll());
        TestModels.writeModel(repository, FIXED_ADD, 1, TestModels.fixedAdd());
        TestModels.writeModel(repository, SCALE, 1, TestModels.scaleInt64());
        TestModels.writeModel(repository, TWO_OUTPUTS, 1, TestModels.twoOutputs());
        TestModels.writeModel(repository, SPARE, 1, TestModels.tagged(5));
        LifecycleOptions explicitAll = new LifecycleOptions(ControlMode.EXPLICIT, Set.of("*"), 60_000, true, 5_000);
        server = new SluiceServer(ServerConfig.loopback(repository).withLifecycle(explicitAll)).start();
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
}
