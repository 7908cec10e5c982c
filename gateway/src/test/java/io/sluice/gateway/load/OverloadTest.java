package io.sluice.gateway.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.lifecycle.ServerProcess;
import io.sluice.runtime.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md G on a real server process with capped memory (-Xmx192m, 128 MiB direct): measure the capacity
 * of one slow model (closed loop), then offer twice that open loop, with latency taken from each request's
 * intended send time. Asserts that goodput stays near capacity, the excess is refused fast with 503 and
 * {@code Retry-After}, accepted requests keep a bounded p99 (the queue is bounded), health answers quickly
 * throughout, the process stays under its memory cap and alive; a 10x burst is shed the same way; and the first
 * request after the load stops is served at once. Small scale (a few seconds, loopback); bounds are generous because the client shares the
 * machine's two cores with the server.
 */
class OverloadTest {
  private static final int WIDTH = 256;
  private static final int LAYERS = 3000;
  private static final long MEMORY_CAP_BYTES = 768L << 20;

  @TempDir
  Path repository;

  @TempDir
  Path work;

  private ServerProcess server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twiceTheCapacityIsShedFastWhileAcceptedRequestsStayBounded() throws Exception {
    TestModels.writeModel(repository, "slow", 1, TestModels.slowMatMul(WIDTH, LAYERS));
    server = ServerProcess.start(repository, work, List.of("-Xmx192m", "-XX:MaxDirectMemorySize=128m"),
        List.of("--instances", "1", "--intra-op-threads", "1", "--queue-capacity", "8"));
    String base = "http://127.0.0.1:" + server.port("HTTP");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest infer = HttpRequest.newBuilder(URI.create(base + "/v2/models/slow/infer"))
        .POST(HttpRequest.BodyPublishers.ofString(body())).timeout(Duration.ofSeconds(30)).build();
    HttpRequest live = HttpRequest.newBuilder(URI.create(base + "/v2/health/live")).GET().build();

    closedLoop(client, infer, 8, Duration.ofSeconds(2)); // warm-up: JIT, connections
    double capacity = closedLoop(client, infer, 8, Duration.ofSeconds(3));
    assertThat(capacity).as("capacity (req/s)").isGreaterThan(20);

    Result overload = openLoop(client, infer, live, capacity * 2, Duration.ofSeconds(4));
    String report = String.format("capacity %.0f req/s; offered %.0f req/s; %s", capacity, capacity * 2, overload);
    System.out.println("overload: " + report); // the figures docs/HARDENING.md quotes

    assertThat(overload.other).as(report).isEmpty();
    assertThat(overload.ok.getTotalCount() / 4.0).as("goodput near capacity: " + report)
        .isGreaterThan(capacity * 0.6);
    assertThat(overload.refused.getTotalCount()).as("excess refused: " + report).isPositive();
    assertThat(overload.refusedWithoutRetryAfter.get()).as(report).isZero();
    assertThat(overload.refused.getValueAtPercentile(50)).as("refusals p50 (us): " + report)
        .isLessThan(TimeUnit.MILLISECONDS.toMicros(50));
    assertThat(overload.refused.getValueAtPercentile(99)).as("refusals p99 (us): " + report)
        .isLessThan(TimeUnit.MILLISECONDS.toMicros(500));
    assertThat(overload.ok.getValueAtPercentile(99)).as("accepted p99 (us): " + report)
        .isLessThan(TimeUnit.SECONDS.toMicros(1));
    assertThat(overload.health.getMaxValue()).as("health max (us): " + report)
        .isLessThan(TimeUnit.MILLISECONDS.toMicros(500));
    assertThat(overload.peakResidentBytes).as("resident bytes: " + report).isLessThan(MEMORY_CAP_BYTES);
    assertThat(server.process().isAlive()).as(server.output()).isTrue();

    // A 10x burst for a second: shed, no failure other than 503, and the server stays alive.
    Result burst = openLoop(client, infer, live, capacity * 10, Duration.ofSeconds(1));
    System.out.println("burst: " + burst);
    assertThat(burst.other).as("burst: " + burst).isEmpty();
    assertThat(burst.refused.getTotalCount()).as("burst: " + burst).isPositive();
    assertThat(burst.refused.getValueAtPercentile(50)).as("burst refusals p50 (us): " + burst)
        .isLessThan(TimeUnit.MILLISECONDS.toMicros(500));
    assertThat(burst.peakResidentBytes).as("burst: " + burst).isLessThan(MEMORY_CAP_BYTES);
    assertThat(burst.health.getMaxValue()).as("burst health max (us): " + burst)
        .isLessThan(TimeUnit.MILLISECONDS.toMicros(500));

    // Recovery: with the load gone, the next request is served at once.
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      long start = System.nanoTime();
      HttpResponse<String> response = client.send(infer, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
    });
  }

  /** Requests per second with {@code clients} requests always in flight. */
  private static double closedLoop(HttpClient client, HttpRequest request, int clients, Duration duration)
      throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() < end) {
          try {
            if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              done.incrementAndGet();
            }
          } catch (Exception e) {
            return;
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return done.get() / (duration.toNanos() / 1e9);
  }

  /** Latencies (microseconds, from intended send time) of one open-loop run. */
  private static final class Result {
    final Histogram ok = new ConcurrentHistogram(3);
    final Histogram refused = new ConcurrentHistogram(3);
    final Histogram health = new ConcurrentHistogram(3);
    final Map<String, Long> other = new ConcurrentHashMap<>();
    final AtomicLong refusedWithoutRetryAfter = new AtomicLong();
    long peakResidentBytes;

    @Override
    public String toString() {
      return String.format("ok %d (p50 %d us, p99 %d us), refused %d (p50 %d us, p99 %d us), health max %d us, "
              + "other %s, peak RSS %d MiB", ok.getTotalCount(), ok.getValueAtPercentile(50),
          ok.getValueAtPercentile(99), refused.getTotalCount(), refused.getValueAtPercentile(50),
          refused.getValueAtPercentile(99), health.getMaxValue(), other, peakResidentBytes >> 20);
    }
  }

  private Result openLoop(HttpClient client, HttpRequest infer, HttpRequest live, double rate, Duration duration)
      throws Exception {
    Result result = new Result();
    AtomicBoolean running = new AtomicBoolean(true);
    // The probe has its own client: the load's client saturates its own selector thread at 10x.
    HttpClient prober = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Thread probe = new Thread(() -> {
      while (running.get()) {
        long start = System.nanoTime();
        try {
          prober.send(live, HttpResponse.BodyHandlers.discarding());
          result.health.recordValue((System.nanoTime() - start) / 1000);
          result.peakResidentBytes = Math.max(result.peakResidentBytes, server.residentBytes());
        } catch (Exception e) {
          result.other.merge("health " + e.getClass().getSimpleName(), 1L, Long::sum);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // probe pacing, not synchronization
      }
    });
    probe.start();
    List<CompletableFuture<?>> sent = new ArrayList<>();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long count = (long) (rate * duration.toNanos() / 1e9);
    for (long i = 0; i < count; i++) {
      long intended = start + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // the open-loop schedule, not synchronization
      }
      sent.add(client.sendAsync(infer, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
        long micros = (System.nanoTime() - intended) / 1000;
        if (failure != null) {
          result.other.merge(failure.getClass().getSimpleName(), 1L, Long::sum);
        } else if (response.statusCode() == 200) {
          result.ok.recordValue(micros);
        } else if (response.statusCode() == 503) {
          result.refused.recordValue(micros);
          if (response.headers().firstValue("retry-after").isEmpty()) {
            result.refusedWithoutRetryAfter.incrementAndGet();
          }
        } else {
          result.other.merge("status " + response.statusCode(), 1L, Long::sum);
        }
      }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
        .get(60, TimeUnit.SECONDS);
    running.set(false);
    probe.join();
    return result;
  }

  private static String body() {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < WIDTH; i++) {
      data.append(i == 0 ? "" : ",").append(i % 5);
    }
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + WIDTH + "],\"datatype\":\"FP32\",\"data\":[" + data
        + "]}]}";
  }
}
