package io.sluice.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.runtime.exec.InferenceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over real sockets on loopback: routing, limits, Host/Origin checks and bearer tokens. */
class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "s3cret-token-0123456789";

  @TempDir Path dir;
  private final List<AdminServer> servers = new ArrayList<>();

  /** Echoes what a handler sees as JSON. */
  private static final AdminHandler ECHO = AdminHandler.of(request -> AdminResponse.json(200, json -> {
    json.writeStartObject();
    json.writeStringField("method", request.method().name());
    json.writeStringField("path", request.path());
    json.writeStringField("model", request.pathParam("m"));
    json.writeStringField("since", request.queryParam("since"));
    json.writeStringField("body", request.bodyText());
    json.writeStringField("actor", request.actor());
    json.writeEndObject();
  }));

  private AdminRoutes routes() {
    return new AdminRoutes()
        .add(HttpMethod.GET, "/ping", AdminHandler.of(request -> AdminResponse.text(200, "pong")))
        .add(HttpMethod.GET, "/admin/v1/models/{m}/traffic", ECHO)
        .add(HttpMethod.PUT, "/admin/v1/models/{m}/traffic", ECHO)
        .add(HttpMethod.GET, "/missing", request -> {
          throw InferenceException.notFound("no model 'x'");
        })
        .add(HttpMethod.GET, "/broken", request -> CompletableFuture.failedFuture(
            new IllegalStateException("at /secret/path/Model.java")));
  }

  private AdminServer start(AdminOptions options) throws Exception {
    AdminServer server = new AdminServer(options, routes());
    servers.add(server);
    server.start();
    return server;
  }

  @AfterEach
  void stop() {
    servers.forEach(AdminServer::close);
  }

  private Path tokenFile(String content) throws IOException {
    Path file = dir.resolve("tokens");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void loopbackWithoutATokenServesEveryoneLocalAsActorLocal() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    assertThat(RawHttp.get(port, "/ping").text()).isEqualTo("pong");
    JsonNode echo = JSON.readTree(RawHttp.get(port, "/admin/v1/models/clf%2Dv/traffic?since=5&since=6").body());
    assertThat(echo.path("method").asText()).isEqualTo("GET");
    assertThat(echo.path("path").asText()).isEqualTo("/admin/v1/models/clf-v/traffic");
    assertThat(echo.path("model").asText()).isEqualTo("clf-v");
    assertThat(echo.path("since").asText()).isEqualTo("5");
    assertThat(echo.path("actor").asText()).isEqualTo(AdminServer.LOCAL_ACTOR);
  }

  @Test
  void bodiesReachTheHandler() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    RawHttp.Response put = RawHttp.send(port, "PUT", "/admin/v1/models/m/traffic",
        "{\"stable\":\"1\"}".getBytes(StandardCharsets.UTF_8), "Host: localhost:" + port);

    assertThat(put.status()).isEqualTo(200);
    assertThat(JSON.readTree(put.body()).path("body").asText()).isEqualTo("{\"stable\":\"1\"}");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    RawHttp.Response unknown = RawHttp.get(port, "/admin/v1/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("content-type")).isEqualTo("application/json");
    assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown admin path");

    RawHttp.Response delete = RawHttp.send(port, "DELETE", "/admin/v1/models/m/traffic", null,
        "Host: 127.0.0.1:" + port);
    assertThat(delete.status()).isEqualTo(405);
    assertThat(delete.header("allow")).isEqualTo("GET, PUT");
    assertThat(JSON.readTree(delete.body()).path("error").asText()).contains("DELETE");
  }

  @Test
  void handlerFailuresMapInferenceErrorsAndHideEverythingElse() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    RawHttp.Response missing = RawHttp.get(port, "/missing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("error").asText()).isEqualTo("no model 'x'");

    RawHttp.Response broken = RawHttp.get(port, "/broken");
    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken.text()).isEqualTo("{\"error\":\"internal error\"}");
  }

  @Test
  void bodiesOverTheLimitAre413() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    // Announced and refused before any body byte is sent, so no write races the server closing.
    RawHttp.Response tooLarge = RawHttp.send(port, "PUT", "/admin/v1/models/m/traffic", null,
        "Host: 127.0.0.1:" + port, "Content-Length: " + (AdminServer.MAX_BODY_BYTES + 1),
        "Expect: 100-continue");

    assertThat(tooLarge.status()).isEqualTo(413);
  }

  @Test
  void onLoopbackOnlyLoopbackHostNamesAreServed() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    for (String host : new String[] {"localhost", "localhost:" + port, "127.0.0.1:1", "[::1]", "[::1]:8002",
        "LocalHost:80"}) {
      assertThat(RawHttp.send(port, "GET", "/ping", null, "Host: " + host).status()).as(host).isEqualTo(200);
    }
    for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1.evil.example",
        "localhost.evil.example", "127.0.0.2", "[::2]", "localhost:x", "[::1", "0.0.0.0"}) {
      RawHttp.Response refused = RawHttp.send(port, "GET", "/ping", null, "Host: " + host);
      assertThat(refused.status()).as(host).isEqualTo(403);
      assertThat(refused.text()).as(host).contains("Host");
    }
    assertThat(RawHttp.send(port, "GET", "/ping", null).status()).isEqualTo(400);
  }

  @Test
  void crossOriginBrowserRequestsAreRefused() throws Exception {
    int port = start(AdminOptions.loopback()).port();

    for (String origin : new String[] {"http://localhost:3000", "https://127.0.0.1", "http://[::1]:8080"}) {
      assertThat(RawHttp.get(port, "/ping", "Origin: " + origin).status()).as(origin).isEqualTo(200);
    }
    for (String origin : new String[] {"http://evil.example", "null", "https://localhost.evil.example",
        "file://", "http://localhost/path", "http://user@localhost"}) {
      RawHttp.Response refused = RawHttp.get(port, "/ping", "Origin: " + origin);
      assertThat(refused.status()).as(origin).isEqualTo(403);
      assertThat(refused.text()).as(origin).contains("cross-origin");
    }
  }

  @Test
  void withATokenEveryRequestNeedsIt() throws Exception {
    int port = start(new AdminOptions("127.0.0.1", 0, tokenFile("# operators\n" + TOKEN + "\n"))).port();

    RawHttp.Response none = RawHttp.get(port, "/ping");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("www-authenticate")).startsWith("Bearer");
    RawHttp.Response wrong = RawHttp.get(port, "/ping", "Authorization: Bearer not-" + TOKEN);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.text()).doesNotContain(TOKEN);
    assertThat(RawHttp.get(port, "/ping", "Authorization: Basic " + TOKEN).status()).isEqualTo(401);
    assertThat(RawHttp.get(port, "/ping", "Authorization: Bearer " + TOKEN.substring(1)).status())
        .isEqualTo(401);
    // Unknown paths are not revealed without the token either.
    assertThat(RawHttp.get(port, "/admin/v1/nothing").status()).isEqualTo(401);

    assertThat(RawHttp.get(port, "/ping", "Authorization: Bearer " + TOKEN).status()).isEqualTo(200);
    assertThat(RawHttp.get(port, "/ping", "Authorization: bearer  " + TOKEN).status()).isEqualTo(200);
    JsonNode echo = JSON.readTree(RawHttp.get(port, "/admin/v1/models/m/traffic",
        "Authorization: Bearer " + TOKEN).body());
    assertThat(echo.path("actor").asText()).isEqualTo("admin");
  }

  @Test
  void tokensMayNameTheirIdentityForTheActor() throws Exception {
    int port = start(new AdminOptions("127.0.0.1", 0,
        tokenFile("alice:" + TOKEN + "\nrollout-bot:other-token-987654\n"))).port();

    JsonNode alice = JSON.readTree(RawHttp.get(port, "/admin/v1/models/m/traffic",
        "Authorization: Bearer " + TOKEN).body());
    JsonNode bot = JSON.readTree(RawHttp.get(port, "/admin/v1/models/m/traffic",
        "Authorization: Bearer other-token-987654").body());

    assertThat(alice.path("actor").asText()).isEqualTo("alice");
    assertThat(bot.path("actor").asText()).isEqualTo("rollout-bot");
    assertThat(RawHttp.get(port, "/ping", "Authorization: Bearer alice:" + TOKEN).status()).isEqualTo(401);
  }

  @Test
  void aTokenFileWithoutTokensOrMissingRefusesToStart() throws Exception {
    Path empty = tokenFile("# nothing here\n\n");
    AdminServer noTokens = new AdminServer(new AdminOptions("0.0.0.0", 0, empty), routes());
    servers.add(noTokens);
    assertThatThrownBy(noTokens::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no token");

    AdminServer missing = new AdminServer(new AdminOptions("0.0.0.0", 0, dir.resolve("absent")), routes());
    servers.add(missing);
    assertThatThrownBy(missing::start).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot read the admin token file");
  }
}
