package io.sluice.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.testing.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a real server process: readiness turns false, the requests in flight finish with their answers,
 * and the process exits within the drain timeout.
 */
class ShutdownDrainTest {
  private static final int WIDTH = 512;
  private static final int BATCH = 256;

  @TempDir
  Path repository;

  private Process process;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermDrainsInFlightRequestsThenExits() throws Exception {
    TestModels.writeModel(repository, "slow", 1, TestModels.slowMatMul(WIDTH, 200));
    String classpath = manifestOnlyJar(System.getProperty("java.class.path")).toString();
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "io.sluice.gateway.cli.SluiceCommand", "serve",
        "--model-repository", repository.toString(), "--host", "127.0.0.1",
        "--http-port", "0", "--grpc-port", "0", "--admin-port", "0", "--exit-timeout-secs", "60")
        .redirectErrorStream(true).start();
    Map<String, Integer> ports = new ConcurrentHashMap<>();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> readPorts(ports, output));
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> ports.containsKey("admin"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("server did not start:\n" + output, e);
    }
    String http = "http://127.0.0.1:" + ports.get("HTTP");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(get(client, http + "/v2/health/ready").statusCode()).isEqualTo(200);

    String body = slowRequestBody();
    List<CompletableFuture<HttpResponse<String>>> inFlight = List.of(
        client.sendAsync(post(http + "/v2/models/slow/infer", body), HttpResponse.BodyHandlers.ofString()),
        client.sendAsync(post(http + "/v2/models/slow/infer", body), HttpResponse.BodyHandlers.ofString()));
    String metrics = "http://127.0.0.1:" + ports.get("admin") + "/metrics";
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> inFlight(client, metrics) >= 2);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("requests never seen in flight; done: " + inFlight.get(0).isDone() + "; metrics:\n"
          + get(client, metrics).body().lines().filter(l -> l.contains("in_flight")).toList(), e);
    }

    // SIGTERM through kill(1): Process.destroy() would also close our end of the child's output
    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      synchronized (output) {
        return output.indexOf("shutting down: readiness off, draining in-flight requests") >= 0;
      }
    });

    for (CompletableFuture<HttpResponse<String>> request : inFlight) {
      HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"model_name\":\"slow\"").contains("\"shape\":[" + BATCH + "," + WIDTH + "]");
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited within the drain timeout").isTrue();
    assertThat(process.exitValue()).as(output.toString()).isIn(0, 143);
    assertThat(refused(client, http + "/v2/health/ready")).isTrue();
  }

  /**
   * A jar whose manifest carries the class path, so the child's {@code java.class.path} stays short: ONNX
   * Runtime 1.29's Java binding crashes the JVM (SIGSEGV) at initialization when that property is longer than
   * about 4 KB.
   */
  private Path manifestOnlyJar(String classpath) throws IOException {
    StringBuilder entries = new StringBuilder();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.append(entries.length() == 0 ? "" : " ").append(Path.of(entry).toUri().toURL().toExternalForm());
      }
    }
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, entries.toString());
    Path jar = repository.resolveSibling(repository.getFileName() + "-classpath.jar");
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
        java.nio.file.Files.newOutputStream(jar), manifest)) {
      out.flush();
    }
    return jar;
  }

  private void readPorts(Map<String, Integer> ports, StringBuilder output) {
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

  private static String slowRequestBody() {
    StringBuilder data = new StringBuilder(BATCH * WIDTH * 2);
    for (int i = 0; i < BATCH * WIDTH; i++) {
      data.append(i == 0 ? "" : ",").append(i % 3);
    }
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":[" + BATCH + "," + WIDTH + "],\"datatype\":\"FP32\",\"data\":["
        + data + "]}]}";
  }

  /** Sum of the in-flight gauge over the slow model's series in the Prometheus scrape. */
  private static double inFlight(HttpClient client, String metrics) throws Exception {
    double sum = 0;
    for (String line : get(client, metrics).body().split("\n")) {
      if (line.startsWith("sluice_inference_in_flight") && line.contains("model=\"slow\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static boolean refused(HttpClient client, String url) throws InterruptedException {
    try {
      return get(client, url).statusCode() != 200;
    } catch (IOException e) {
      return true; // the listener is closed: connection refused or reset
    }
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
