package io.sluice.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

  @TempDir
  Path work;

  private ServerProcess server;

  @AfterEach
  void kill() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void sigtermDrainsInFlightRequestsThenExits() throws Exception {
    TestModels.writeModel(repository, "slow", 1, TestModels.slowMatMul(WIDTH, 200));
    server = ServerProcess.start(repository, work, List.of(), List.of("--exit-timeout-secs", "60"));
    Process process = server.process();
    String http = "http://127.0.0.1:" + server.port("HTTP");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(get(client, http + "/v2/health/ready").statusCode()).isEqualTo(200);

    String body = slowRequestBody();
    List<CompletableFuture<HttpResponse<String>>> inFlight = List.of(
        client.sendAsync(post(http + "/v2/models/slow/infer", body), HttpResponse.BodyHandlers.ofString()),
        client.sendAsync(post(http + "/v2/models/slow/infer", body), HttpResponse.BodyHandlers.ofString()));
    String metrics = "http://127.0.0.1:" + server.port("admin") + "/metrics";
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> inFlight(client, metrics) >= 2);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("requests never seen in flight; done: " + inFlight.get(0).isDone() + "; metrics:\n"
          + get(client, metrics).body().lines().filter(l -> l.contains("in_flight")).toList(), e);
    }

    // SIGTERM through kill(1): Process.destroy() would also close our end of the child's output
    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      return server.output().contains("shutting down: readiness off, draining in-flight requests");
    });

    for (CompletableFuture<HttpResponse<String>> request : inFlight) {
      HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"model_name\":\"slow\"").contains("\"shape\":[" + BATCH + "," + WIDTH + "]");
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited within the drain timeout").isTrue();
    assertThat(process.exitValue()).as(server.output()).isIn(0, 143);
    assertThat(refused(client, http + "/v2/health/ready")).isTrue();
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
