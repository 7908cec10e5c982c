package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection plumbing on an {@link EmbeddedChannel}: a scripted connection starts answering each request
 * when its turn comes and the test decides when the answer is written.
 */
class InOrderHttpConnectionTest {
  private final List<String> events = new ArrayList<>();
  private final List<FullHttpRequest> started = new ArrayList<>();
  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void pipelinedRequestsAreAnsweredOneAtATimeInOrder() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    channel.writeInbound(request("/a"), request("/b"), request("/c"));
    assertThat(events).containsExactly("answer /a");
    assertThat(channel.config().isAutoRead()).as("not read while requests wait").isFalse();

    respond(0, true);
    assertThat(events).containsExactly("answer /a", "written", "answered", "answer /b");
    respond(1, true);
    assertThat(channel.config().isAutoRead()).isFalse();
    respond(2, true);

    assertThat(responses()).containsExactly("/a", "/b", "/c");
    assertThat(events).endsWith("answer /c", "written", "answered");
    assertThat(channel.config().isAutoRead()).as("read again once caught up").isTrue();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void aClientThatWaitsForEachAnswerIsNeverPaused() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    List<Boolean> autoRead = new ArrayList<>();
    channel.writeInbound(request("/a"));
    autoRead.add(channel.config().isAutoRead());
    respond(0, true);
    channel.writeInbound(request("/b"));
    autoRead.add(channel.config().isAutoRead());
    respond(1, true);

    assertThat(responses()).containsExactly("/a", "/b");
    assertThat(events).containsExactly("answer /a", "written", "answered", "answer /b", "written", "answered");
    assertThat(autoRead).containsExactly(true, true);
  }

  @Test
  void aRequestBeyondTheLimitClosesTheConnectionWhenNothingReplacesIt() {
    channel = new EmbeddedChannel(new Scripted(1, false));
    FullHttpRequest waiting = request("/b");
    FullHttpRequest beyond = request("/c");
    channel.writeInbound(request("/a"), waiting, beyond);

    assertThat(events).containsExactly("answer /a", "discard /c", "closed", "discard /b");
    assertThat(beyond.refCnt()).isZero();
    assertThat(waiting.refCnt()).isZero();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aRequestBeyondTheLimitIsAnsweredAsItsReplacementInItsTurn() {
    channel = new EmbeddedChannel(new Scripted(1, true));
    channel.writeInbound(request("/a"), request("/b"), request("/c"));
    respond(0, true);
    respond(1, true);
    assertThat(channel.config().isAutoRead()).as("the replacement waits too").isFalse();

    assertThat(events).containsSubsequence("discard /c", "answer /b", "answer /c-replaced");
  }

  @Test
  void aResponseThatDoesNotKeepAliveClosesTheConnectionAndDiscardsWhatWaits() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    FullHttpRequest waiting = request("/b");
    channel.writeInbound(request("/a"), waiting);

    respond(0, false);

    assertThat(responses()).containsExactly("/a");
    assertThat(channel.isOpen()).isFalse();
    assertThat(waiting.refCnt()).isZero();
  }

  @Test
  void idleClosesTheConnectionOnlyWhenNoRequestIsBeingAnswered() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    channel.writeInbound(request("/a"));
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertThat(channel.isOpen()).isTrue();

    respond(0, true);
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void drainFinishesTheRequestBeingAnsweredWithoutKeepAliveThenCloses() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    channel.writeInbound(request("/a"), request("/b"));
    channel.pipeline().fireUserEventTriggered(InOrderHttpConnection.DRAIN);
    assertThat(channel.isOpen()).isTrue();

    respond(0, true);

    FullHttpResponse last = channel.readOutbound();
    assertThat(HttpUtil.isKeepAlive(last)).isFalse();
    last.release();
    assertThat(channel.isOpen()).isFalse();
    assertThat(events).doesNotContain("answer /b");
  }

  @Test
  void otherMessagesAreReleasedAndIgnored() {
    channel = new EmbeddedChannel(new Scripted(4, false));
    var other = Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII);
    channel.writeInbound(other);

    assertThat(other.refCnt()).isZero();
    assertThat(events).isEmpty();
  }

  private void respond(int index, boolean keepAlive) {
    FullHttpRequest request = started.get(index);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.copiedBuffer(request.uri(), StandardCharsets.US_ASCII));
    Scripted connection = channel.pipeline().get(Scripted.class);
    connection.respond(channel.pipeline().context(connection), response, keepAlive, written -> events.add("written"));
  }

  private List<String> responses() {
    List<String> bodies = new ArrayList<>();
    FullHttpResponse response;
    while ((response = channel.readOutbound()) != null) {
      bodies.add(response.content().toString(StandardCharsets.US_ASCII));
      response.release();
    }
    return bodies;
  }

  private static FullHttpRequest request(String uri) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  /** Records every hook; answers when the test calls {@link #respond}. */
  private final class Scripted extends InOrderHttpConnection<FullHttpRequest> {
    private final boolean replaceOverflow;

    Scripted(int maxPipelined, boolean replaceOverflow) {
      super("test", maxPipelined);
      this.replaceOverflow = replaceOverflow;
    }

    @Override
    protected void received(ChannelHandlerContext ctx, FullHttpRequest request) {
      offer(ctx, request);
    }

    @Override
    protected void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
      events.add("answer " + request.uri());
      started.add(request);
      request.release();
    }

    @Override
    protected void discard(FullHttpRequest request) {
      events.add("discard " + request.uri());
      request.release();
    }

    @Override
    protected FullHttpRequest overflowed(FullHttpRequest dropped) {
      return replaceOverflow ? request(dropped.uri() + "-replaced") : null;
    }

    @Override
    protected void answered() {
      events.add("answered");
    }

    @Override
    protected void closed() {
      events.add("closed");
    }
  }
}
