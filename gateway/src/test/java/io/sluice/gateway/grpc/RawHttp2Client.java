package io.sluice.gateway.grpc;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsAckFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare HTTP/2 client (plaintext, prior knowledge) built on Netty's frame codec, for tests that need frames a
 * grpc-java client will not send, such as PINGs back to back. It sends the connection preface and SETTINGS,
 * acknowledges the server's PINGs and SETTINGS (the codec does), and reports what the tests look at: PING
 * ACKs, SETTINGS ACKs, the first GOAWAY and the close of the connection. Response HEADERS and DATA are dropped.
 *
 * <p>Every method may be called from any thread; frames go out in call order. One connection per instance,
 * with its own event loop thread; {@link #close()} releases both.
 */
final class RawHttp2Client implements AutoCloseable {
  private static final long CONNECT_TIMEOUT_SECONDS = 5;

  /** A GOAWAY frame as received: error code (RFC 9113 section 7), last stream id and debug data (ASCII). */
  record GoAway(long errorCode, int lastStreamId, String debugData) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<Long, CompletableFuture<Void>> pendingPings = new ConcurrentHashMap<>();
  // SETTINGS are acknowledged in the order they were sent (RFC 9113 section 6.5.3)
  private final Queue<CompletableFuture<Void>> pendingSettings = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong nextPingPayload = new AtomicLong(1);
  private final Frames frames = new Frames();
  private final String authority;
  private final Channel channel;

  private RawHttp2Client(String host, int port) throws IOException {
    authority = host + ":" + port;
    // the codec sends the preface and our SETTINGS as soon as the connection is up: the first SETTINGS ACK answers
    // those
    CompletableFuture<Void> prefaceAcknowledged = new CompletableFuture<>();
    pendingSettings.add(prefaceAcknowledged);
    ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            // close at once when asked, without waiting for open streams to finish
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().gracefulShutdownTimeoutMillis(0).build(),
                frames);
          }
        })
        .connect(host, port);
    channel = connected.channel();
    channel.closeFuture().addListener(ignored -> failPending());
    try {
      if (!connected.awaitUninterruptibly(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !connected.isSuccess()) {
        throw new IOException("cannot connect to " + authority, connected.cause());
      }
      prefaceAcknowledged.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      close();
      throw e instanceof IOException io ? io : new IOException("no HTTP/2 connection to " + authority, e);
    }
  }

  /**
   * Connects to {@code host}:{@code port}, sends the preface and SETTINGS, and returns once the server has
   * acknowledged them.
   *
   * @throws IOException when the connection or the handshake fails within a few seconds
   */
  static RawHttp2Client connect(String host, int port) throws IOException {
    return new RawHttp2Client(host, port);
  }

  /**
   * Sends {@code count} PING frames back to back (one flush) with distinct payloads. Each future completes when
   * the ACK carrying its payload arrives, or fails when the connection closes first.
   */
  List<CompletableFuture<Void>> ping(int count) {
    List<CompletableFuture<Void>> acks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long payload = nextPingPayload.getAndIncrement();
      CompletableFuture<Void> ack = new CompletableFuture<>();
      pendingPings.put(payload, ack);
      acks.add(ack);
      channel.write(new DefaultHttp2PingFrame(payload));
    }
    channel.flush();
    failPendingIfClosed();
    return acks;
  }

  /**
   * Sends an empty SETTINGS frame; the future completes on its ACK. The server handles frames in order, so the
   * ACK also means it has handled everything sent before, without waiting for a fixed time.
   */
  CompletableFuture<Void> settingsRoundTrip() {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    pendingSettings.add(ack);
    channel.writeAndFlush(new DefaultHttp2SettingsFrame(new Http2Settings()));
    failPendingIfClosed();
    return ack;
  }

  /**
   * Opens a gRPC call to {@code path} (e.g. {@code /package.Service/Method}): request HEADERS without
   * END_STREAM and no message, so the call stays in flight until the connection closes.
   *
   * @return the call's stream id
   * @throws IOException when the HEADERS cannot be written within a few seconds
   */
  int startCall(String path) throws IOException {
    Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(path)
        .authority(authority)
        .set("content-type", "application/grpc").set("te", "trailers");
    Http2FrameStream stream = frames.newStream();
    ChannelFuture written = channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
    if (!written.awaitUninterruptibly(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !written.isSuccess()) {
      throw new IOException("request HEADERS not written", written.cause());
    }
    return stream.id();
  }

  /** The first GOAWAY the server sends; never completes when it sends none. */
  CompletableFuture<GoAway> goAway() {
    return goAway;
  }

  /** Completes when the connection is closed, by either side. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Closes the connection (the codec sends GOAWAY NO_ERROR first) and stops the event loop. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private void failPendingIfClosed() {
    if (!channel.isActive()) {
      failPending();
    }
  }

  private void failPending() {
    closed.complete(null);
    IOException cause = new IOException(
        goAway.isDone() ? "connection closed after " + goAway.getNow(null) : "connection closed");
    pendingPings.values().forEach(ack -> ack.completeExceptionally(cause));
    pendingSettings.forEach(ack -> ack.completeExceptionally(cause));
  }

  /** Routes the frames the tests look at to their futures; releases every frame it reads. */
  private final class Frames extends Http2ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
          CompletableFuture<Void> ack = pendingPings.remove(ping.content());
          if (ack != null) {
            ack.complete(null);
          }
        } else if (msg instanceof Http2SettingsAckFrame) {
          CompletableFuture<Void> ack = pendingSettings.poll();
          if (ack != null) {
            ack.complete(null);
          }
        } else if (msg instanceof Http2GoAwayFrame frame) {
          goAway.complete(new GoAway(frame.errorCode(), frame.lastStreamId(),
              frame.content().toString(StandardCharsets.US_ASCII)));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
