package io.sluice.gateway.canary;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * One in-process server on loopback ports shared by the canary routing, shadow, admin and command-line tests
 * of this JVM (each test class uses its own models, so they do not depend on each other's state), with manual
 * canary ticks. Started on first use; stopped by a shutdown hook.
 *
 * <p>Models (every version loaded): {@code route} 1, 2, 3; {@code shadow} 1, 3 and 4 (whose outputs are all
 * NaN); {@code admin}, {@code lifecycle} and {@code cli} 1, 2, 3. Versions are tagged: {@code y = x + version}.
 */
final class CanaryTestServer {
  private static SluiceServer server;
  private static ManagedChannel channel;

  private CanaryTestServer() {}

  static synchronized SluiceServer get() {
    if (server == null) {
      try {
        Path repository = Files.createTempDirectory("sluice-canary");
        CanaryClients.writeTagged(repository, "route", 1, 2, 3);
        CanaryClients.writeTagged(repository, "shadow", 1, 3);
        TestModels.writeModel(repository, "shadow", 4, TestModels.tagged(Float.NaN));
        CanaryClients.writeTagged(repository, "admin", 1, 2, 3);
        CanaryClients.writeTagged(repository, "lifecycle", 1, 2, 3);
        CanaryClients.writeTagged(repository, "cli", 1, 2, 3);
        CanaryClients.writeTagged(repository, "incompatible", 1);
        TestModels.writeModel(repository, "incompatible", 2, TestModels.tagged("z", 2));
        server = new SluiceServer(ServerConfig.loopback(repository)
            .withCanary(new CanaryOptions(null, Clock.systemUTC(), Duration.ZERO))).start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        SluiceServer started = server;
        ManagedChannel open = channel;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          open.shutdownNow();
          started.close();
        }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return server;
  }

  static synchronized ManagedChannel channel() {
    get();
    return channel;
  }
}
