package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpBodyAggregatorTest {
  private static EmbeddedChannel channel(HttpBodyAggregator aggregator) {
    // the codec's encoder turns responses into bytes; decode them back for assertions
    return new EmbeddedChannel(new HttpServerCodec(), aggregator);
  }

  private static void write(EmbeddedChannel channel, String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private static String outbound(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    Object message;
    while ((message = channel.readOutbound()) != null) {
      ByteBuf bytes = (ByteBuf) message;
      text.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }
    return text.toString();
  }

  @Test
  void theRequestTimeIsTakenWhenTheHeadArrivesNotWhenTheBodyCompletes() {
    HttpBodyAggregator aggregator = new HttpBodyAggregator(1024);
    EmbeddedChannel channel = channel(aggregator);
    long before = System.nanoTime();
    write(channel, "POST /v2/models/m/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\n");
    long afterHead = System.nanoTime();
    assertThat((Object) channel.readInbound()).isNull();
    write(channel, "{}  ");
    FullHttpRequest request = channel.readInbound();
    assertThat(request.content().readableBytes()).isEqualTo(4);
    request.release();
    assertThat(aggregator.lastHeadNanos()).isBetween(before, afterHead);
    channel.finishAndReleaseAll();
  }

  @Test
  void oversizedBodiesGetAJsonErrorAndTheConnectionCloses() {
    EmbeddedChannel channel = channel(new HttpBodyAggregator(16));
    write(channel, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n");
    String response = outbound(channel);
    assertThat(response).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
        .endsWith("{\"error\":\"request body larger than the limit of 16 bytes\"}");
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(channel.isOpen()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void expectContinueGets100WithinTheLimitAnd413Beyond() {
    EmbeddedChannel within = channel(new HttpBodyAggregator(16));
    write(within, "POST /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assertThat(outbound(within)).startsWith("HTTP/1.1 100 Continue");
    write(within, "{}");
    FullHttpRequest request = within.readInbound();
    assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("{}");
    request.release();
    within.finishAndReleaseAll();

    EmbeddedChannel beyond = channel(new HttpBodyAggregator(16));
    write(beyond, "POST /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");
    assertThat(outbound(beyond)).startsWith("HTTP/1.1 413").contains("\"error\"");
    assertThat(beyond.isOpen()).isFalse();
    beyond.finishAndReleaseAll();
  }

  @Test
  void nettyAggregatorAloneWouldAnswerWithoutABody() {
    // guards the reason this subclass exists: the stock 413 has no JSON error body
    EmbeddedChannel stock = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(16, true));
    write(stock, "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n");
    assertThat(outbound(stock)).startsWith("HTTP/1.1 413").doesNotContain("\"error\"");
    stock.finishAndReleaseAll();
  }
}
