package io.sluice.benchmarks.baseline;

import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;

/** The command line both echo servers share (a picocli mixin), and their serve-until-stopped main loop. */
final class EchoOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "0", description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--model", defaultValue = "tabular_classifier",
      description = "The model whose answers to clone (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--hand-off",
      description = "Answer from a worker thread, as a server that runs its model off the event loop does: each "
          + "request crosses event loop -> worker -> event loop (the two hand-offs Sluice makes, without the model).")
  boolean handOff;

  @Option(names = "--clone", paramLabel = "URL",
      description = "URL (http://HOST:PORT or grpc://HOST:PORT) of a v2 server to copy the metadata and one infer "
          + "response from.")
  String clone;

  /**
   * Prints {@code boundPort} as the only line on stdout (what the benchmark scripts read), {@code description}
   * on stderr, and blocks until the process is stopped, closing {@code server} on the way out.
   *
   * @return the exit code
   */
  static int serveUntilStopped(String name, AutoCloseable server, int boundPort, String description)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println(name + ": close failed: " + e);
      }
      stopped.countDown();
    }, name + "-shutdown"));
    System.out.println(boundPort);
    System.out.flush();
    System.err.println(name + ": " + description);
    stopped.await();
    return 0;
  }
}
