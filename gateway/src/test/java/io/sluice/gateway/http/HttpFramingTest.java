package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP framing under hostile or sloppy clients (HARDENING.md section A), against a front end with small limits:
 * 1 KiB bodies and headers, 256-byte request lines, 1 s idle and request timeouts.
 */
class HttpFramingTest {
  private static final int MAX_BODY = 1024;
  private static final String LIVE = "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n";

  @TempDir
  static Path repository;

  private static HttpTestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpTestServer.start(repository, new HttpOptions("127.0.0.1", 0, MAX_BODY, 1024, 256, 1, 1, 100, 16));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawConnection connect() throws Exception {
    return new RawConnection(server.port());
  }

  /** Sends {@code request}, expects {@code status} with a JSON error body, then the connection closed. */
  private static void assertRejectedAndClosed(String request, int status) throws Exception {
    try (RawConnection connection = connect()) {
      RawConnection.Response response = connection.send(request).read();
      assertThat(response.status()).as(request).isEqualTo(status);
      assertThat(response.json().path("error").isTextual()).isTrue();
      assertThat(response.text()).doesNotContain("Exception").doesNotContain("io.netty");
      assertThat(connection.closedByServer()).as("closed after " + status).isTrue();
    }
    assertServerStillServes();
  }

  private static void assertServerStillServes() throws Exception {
    try (RawConnection connection = connect()) {
      assertThat(connection.send(LIVE).read().status()).isEqualTo(200);
    }
  }

  @Test
  void bodyOverTheLimitByContentLengthIsRefusedBeforeItIsSent() throws Exception {
    assertRejectedAndClosed("POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n", 413);
  }

  @Test
  void chunkedBodyOverTheLimitIsRefused() throws Exception {
    String chunk = "x".repeat(MAX_BODY + 100);
    assertRejectedAndClosed("POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n", 413);
  }

  @Test
  void chunkedBodyWithinTheLimitIsAggregated() throws Exception {
    String json = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[-1,3]}]}";
    String first = json.substring(0, 20);
    String rest = json.substring(20);
    try (RawConnection connection = connect()) {
      RawConnection.Response response = connection.send("POST /v2/models/" + HttpTestServer.TWO_OUTPUTS
          + "/infer HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n"
          + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n").read();
      assertThat(response.status()).as(response.text()).isEqualTo(200);
      assertThat(response.json().path("outputs").path(1).path("data").toString()).isEqualTo("[0.0,3.0]");
    }
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBody() throws Exception {
    String json = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[2]}]}";
    try (RawConnection connection = connect()) {
      connection.send("POST /v2/models/" + HttpTestServer.TWO_OUTPUTS + "/infer HTTP/1.1\r\nHost: t\r\n"
          + "Expect: 100-continue\r\nContent-Length: " + json.length() + "\r\n\r\n");
      assertThat(connection.read().status()).isEqualTo(100);
      RawConnection.Response response = connection.send(json).read();
      assertThat(response.status()).as(response.text()).isEqualTo(200);
    }
  }

  @Test
  void expectContinueOverTheLimitGets413InsteadOf100() throws Exception {
    assertRejectedAndClosed("POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
        + "Content-Length: 5000\r\n\r\n", 413);
  }

  @Test
  void oversizedRequestLineAndHeaders() throws Exception {
    assertRejectedAndClosed("GET /v2/" + "a".repeat(400) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
    assertRejectedAndClosed("GET /v2 HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n", 431);
  }

  @Test
  void smugglingShapedFramingIsRejectedAndClosed() throws Exception {
    String post = "POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\n";
    assertRejectedAndClosed(post + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    assertRejectedAndClosed(post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400);
    assertRejectedAndClosed(post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400);
    assertRejectedAndClosed(post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400);
    assertRejectedAndClosed(post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400);
    assertRejectedAndClosed(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400);
    assertRejectedAndClosed("GET /v2 HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400);
  }

  @Test
  void idleKeepAliveConnectionsAreClosed() throws Exception {
    try (RawConnection connection = connect()) {
      assertThat(connection.send(LIVE).read().status()).isEqualTo(200);
      long start = System.nanoTime();
      assertThat(connection.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500),
          Duration.ofSeconds(5));
    }
  }

  @Test
  void aClientDribblingItsHeadersIsClosedByTheRequestDeadline() throws Exception {
    byte[] head = "GET /v2/health/live HTTP/1.1\r\nHost: t\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger sent = new AtomicInteger();
    try (RawConnection connection = connect()) {
      connection.send(head);
      // one byte every 200 ms: never idle for the 1 s idle timeout, never finishing the headers
      dribbler.scheduleAtFixedRate(() -> {
        try {
          connection.send(new byte[] {'z'});
          sent.incrementAndGet();
        } catch (Exception closed) {
          // the server closed the connection: expected
        }
      }, 200, 200, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(5)).until(connection::closedByServer);
      assertThat(sent.get()).isGreaterThanOrEqualTo(3);
    } finally {
      dribbler.shutdownNow();
    }
    assertServerStillServes();
  }

  @Test
  void unsupportedContentEncodingIsRejectedButTheConnectionStays() throws Exception {
    try (RawConnection connection = connect()) {
      RawConnection.Response response = connection.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\n"
          + "Content-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}").read();
      assertThat(response.status()).isEqualTo(415);
      assertThat(connection.send(LIVE).read().status()).isEqualTo(200);
    }
  }
}
