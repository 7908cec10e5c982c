package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.epoll.Epoll;
import io.sluice.gateway.transport.ServerTransport;
import io.sluice.runtime.onnx.SampleRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP listener serves on either Netty transport; the gateway picks epoll wherever it loads. */
class HttpTransportTest {
  private static final String BODY = "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[1,4],"
      + "\"data\":[0.5,-1.25,2,0.75]}]}";

  @TempDir
  Path repository;

  @Test
  void epollIsChosenWheneverItIsAvailable() {
    assertThat(ServerTransport.best()).isEqualTo(Epoll.isAvailable() ? ServerTransport.EPOLL : ServerTransport.NIO);
    assertThat(ServerTransport.epollUnavailabilityCause() == null).isEqualTo(Epoll.isAvailable());
    // grpc-netty-shaded carries its own copy of the same native library and picks it the same way
    assertThat(io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable()).isEqualTo(Epoll.isAvailable());
  }

  @ParameterizedTest
  @EnumSource(ServerTransport.class)
  void servesInferenceOn(ServerTransport transport) throws Exception {
    assumeThat(transport == ServerTransport.NIO || Epoll.isAvailable()).as("epoll loads here").isTrue();
    try (HttpTestServer server = HttpTestServer.start(repository, HttpOptions.defaults("127.0.0.1", 0), transport);
        RawConnection http = new RawConnection(server.port())) {
      String request = "POST /v2/models/" + SampleRepository.CLASSIFIER + "/infer HTTP/1.1\r\nHost: t\r\n"
          + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY;
      RawConnection.Response response = http.send(request).read();
      assertThat(response.status()).as(response.text()).isEqualTo(200);
      assertThat(response.json().path("outputs").get(0).path("shape").toString()).isEqualTo("[1,3]");
      // keep-alive: a second request on the same connection
      assertThat(http.send(request).read().status()).isEqualTo(200);
    }
  }
}
