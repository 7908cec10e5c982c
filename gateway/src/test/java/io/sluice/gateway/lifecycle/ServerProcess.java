package io.sluice.gateway.lifecycle;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code sluice serve} in a child JVM on loopback with ephemeral ports, for tests that need a real process
 * (signals, memory caps). The child's class path is carried by a manifest-only jar: ONNX Runtime 1.29's Java
 * binding crashes the JVM at initialization when {@code java.class.path} is longer than about 4 KB.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();
  private final StringBuilder output = new StringBuilder();

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "server-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code serve --model-repository repository} with {@code jvmOptions} and {@code serveArgs}, and waits
   * until every listener printed its port.
   *
   * @param work a directory for the manifest jar
   */
  public static ServerProcess start(Path repository, Path work, List<String> jvmOptions, List<String> serveArgs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", manifestOnlyJar(work).toString(), "io.sluice.gateway.cli.SluiceCommand", "serve",
        "--model-repository", repository.toString(), "--host", "127.0.0.1", "--http-port", "0", "--grpc-port", "0",
        "--admin-port", "0"));
    command.addAll(serveArgs);
    ServerProcess server = new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> server.ports.containsKey("admin")
          || !server.process.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      server.close();
      throw new AssertionError("server did not start:\n" + server.output(), e);
    }
    if (!server.process.isAlive()) {
      throw new AssertionError("server exited at startup:\n" + server.output());
    }
    return server;
  }

  /** The port a listener ({@code HTTP}, {@code gRPC} or {@code admin}) printed. */
  public int port(String listener) {
    return ports.get(listener);
  }

  public Process process() {
    return process;
  }

  /** What the process printed so far. */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** The resident set size of the process in bytes, from {@code /proc}. */
  public long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        String kilobytes = line.substring(6).trim();
        return Long.parseLong(kilobytes.substring(0, kilobytes.indexOf(' '))) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + process.pid());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static Path manifestOnlyJar(Path work) throws IOException {
    StringBuilder entries = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.append(entries.length() == 0 ? "" : " ").append(Path.of(entry).toUri().toURL().toExternalForm());
      }
    }
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, entries.toString());
    Path jar = Files.createTempFile(work, "classpath", ".jar");
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar),
        manifest)) {
      out.flush();
    }
    return jar;
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (output) {
          output.append(line).append('\n');
        }
        for (String listener : new String[] {"HTTP", "gRPC", "admin"}) {
          String prefix = listener + " listening on 127.0.0.1:";
          if (line.startsWith(prefix)) {
            String rest = line.substring(prefix.length());
            int end = rest.indexOf(' ');
            ports.put(listener, Integer.parseInt(end < 0 ? rest : rest.substring(0, end)));
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }
}
