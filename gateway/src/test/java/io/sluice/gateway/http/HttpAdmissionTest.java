package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.AdmissionOptions;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload limits of the HTTP listener (HARDENING.md G and issue 8's admission): inference requests over the
 * server-wide caps on requests and bytes in flight are refused with 503 and {@code Retry-After} before their bodies
 * are read, connections over the cap and pipelined requests over the depth are refused the same way, health stays
 * answered, and every reservation is released. A request is held "in flight" deterministically by sending its
 * head and only part of its body.
 */
class HttpAdmissionTest {
  private static final int BODY_BYTES = 600;
  private static final String INFER = "/v2/models/" + SampleRepository.CLASSIFIER + "/infer";
  private static final String LIVE = "GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n";
  /** 5000 chained 16 x 16 MatMuls: milliseconds per request, so its answer cannot come back inline. */
  private static final String SLOW = "slow16";

  @TempDir
  static Path repository;

  private static Admission admission;
  private static HttpTestServer server;
  private final List<RawConnection> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    admission = new Admission(new AdmissionOptions(2, 1000, 1));
    TestModels.writeModel(repository, SLOW, 1, TestModels.slowMatMul(16, 5000));
    server = HttpTestServer.start(repository, HttpOptions.defaults("127.0.0.1", 0).withConnectionLimits(4, 2),
        admission);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeAndCheckNothingLeaks() throws Exception {
    for (RawConnection connection : opened) {
      connection.close();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(admission.requestsInFlight()).isZero();
      assertThat(admission.bytesInFlight()).isZero();
    });
  }

  /** A valid classifier request padded with JSON whitespace to {@code bytes}. */
  private static String body(int bytes) {
    String json = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,4],"
        + "\"data\":[0.5,-1.25,2,0.75]}]}";
    return json + " ".repeat(bytes - json.length());
  }

  private static String head(int contentLength, String extraHeaders) {
    return "POST " + INFER + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
        + contentLength + "\r\n" + extraHeaders + "\r\n";
  }

  private RawConnection connect() throws Exception {
    RawConnection connection = new RawConnection(server.port());
    opened.add(connection);
    return connection;
  }

  /** Sends a request head and the first 10 bytes of its body; the request then holds its admission. */
  private RawConnection holdInFlight(int bodyBytes) throws Exception {
    long before = admission.bytesInFlight();
    RawConnection held = connect().send(head(bodyBytes, "") + body(bodyBytes).substring(0, 10));
    await().atMost(Duration.ofSeconds(5)).until(() -> admission.bytesInFlight() == before + bodyBytes);
    return held;
  }

  private static void assertRefused(RawConnection.Response response) {
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.headers()).containsEntry("retry-after", "1");
    assertThat(response.json().path("error").asText()).contains("overloaded");
  }

  private void assertServes() throws Exception {
    assertThat(connect().send(LIVE).read().status()).isEqualTo(200);
    RawConnection.Response answer = connect().send(head(BODY_BYTES, "") + body(BODY_BYTES)).read();
    assertThat(answer.status()).as(answer.text()).isEqualTo(200);
  }

  @Test
  void aRequestOverTheByteCapIsRefusedBeforeItsBodyWhileHealthStaysUp() throws Exception {
    RawConnection held = holdInFlight(BODY_BYTES);

    RawConnection refused = connect().send(head(BODY_BYTES, ""));
    assertRefused(refused.read());
    assertThat(refused.closedByServer()).isTrue();
    assertThat(connect().send(LIVE).read().status()).isEqualTo(200);
    assertThat(admission.refusedByBytes()).isPositive();

    RawConnection.Response finished = held.send(body(BODY_BYTES).substring(10)).read();
    assertThat(finished.status()).as(finished.text()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> admission.bytesInFlight() == 0);
    assertServes();
  }

  @Test
  void theRequestCapRefusesWithoutInvitingTheBodyOfExpectContinue() throws Exception {
    holdInFlight(100);
    holdInFlight(100);

    RawConnection refused = connect().send(head(BODY_BYTES, "Expect: 100-continue\r\n"));
    RawConnection.Response response = refused.read();
    assertThat(response.status()).as("no 100 Continue before the refusal").isEqualTo(503);
    assertRefused(response);
    assertThat(refused.closedByServer()).isTrue();
  }

  @Test
  void aFragmentInTheRequestLineDoesNotSkipAdmission() throws Exception {
    holdInFlight(100);
    holdInFlight(100);

    RawConnection refused = connect().send(head(BODY_BYTES, "").replace(INFER, INFER + "#anything")
        + body(BODY_BYTES));
    assertRefused(refused.read());
  }

  @Test
  void aRefusedRequestWithAMalformedPathIsStillAnsweredAndReleased() throws Exception {
    holdInFlight(BODY_BYTES);
    String chunk = body(500);
    RawConnection chunked = connect().send("POST /v2/models/%zz/infer HTTP/1.1\r\nHost: t\r\n"
        + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
    assertRefused(chunked.read());
    assertThat(chunked.closedByServer()).isTrue();
    // closeAndCheckNothingLeaks: its reservation is released
  }

  @Test
  void aChunkedBodyGrowingOverTheByteCapIsCutShort() throws Exception {
    holdInFlight(BODY_BYTES);
    String chunk = body(500);
    RawConnection chunked = connect().send("POST " + INFER + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Type: application/json\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
    assertRefused(chunked.read());
    assertThat(chunked.closedByServer()).isTrue();
  }

  @Test
  void connectionsOverTheCapAreAnswered503AndTheCapFreesWhenOneCloses() throws Exception {
    List<RawConnection> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RawConnection connection = connect();
      assertThat(connection.send(LIVE).read().status()).isEqualTo(200);
      four.add(connection);
    }
    RawConnection fifth = connect();
    RawConnection.Response response = fifth.send(LIVE).read();
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.json().path("error").asText()).contains("too many connections");
    assertThat(fifth.closedByServer()).isTrue();
    // an inference on a connection over the cap is refused at its head: no body awaited, nothing admitted
    RawConnection sixth = connect();
    RawConnection.Response inference = sixth.send(head(BODY_BYTES, "")).read();
    assertThat(inference.status()).isEqualTo(503);
    assertThat(inference.json().path("error").asText()).contains("too many connections");
    assertThat(admission.requestsInFlight()).isZero();

    four.get(0).close();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      try (RawConnection again = new RawConnection(server.port())) {
        assertThat(again.send(LIVE).read().status()).isEqualTo(200);
      }
    });
  }

  @Test
  void pipelinedRequestsBeyondTheDepthAreRefusedInOrderAndTheConnectionCloses() throws Exception {
    // A slow inference (answered from a worker milliseconds later) keeps the connection busy while the health
    // checks behind it are decoded from the same read; health checks are not counted by admission, so only the
    // depth limits them.
    String slow = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,16],"
        + "\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}";
    String request = "POST /v2/models/" + SLOW + "/infer HTTP/1.1\r\nHost: t\r\nContent-Length: " + slow.length()
        + "\r\n\r\n" + slow + LIVE.repeat(5);
    RawConnection pipelined = connect().send(request.getBytes(StandardCharsets.ISO_8859_1));

    // One in flight plus two waiting are served; the fourth is refused; the connection then closes.
    for (int i = 0; i < 3; i++) {
      assertThat(pipelined.read().status()).as("response " + i).isEqualTo(200);
    }
    RawConnection.Response refused = pipelined.read();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().path("error").asText()).contains("pipelined");
    assertThat(pipelined.closedByServer()).isTrue();
    assertServes();
  }
}
