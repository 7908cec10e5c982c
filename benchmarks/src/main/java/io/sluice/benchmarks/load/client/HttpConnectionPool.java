package io.sluice.benchmarks.load.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP/1.1 keep-alive connections, one request in flight on each, opened on demand when none is idle (so an
 * open-loop schedule is never held back by a slow server; the caller bounds the number in flight).
 *
 * <p>Thread-safe: {@link #send} may be called from any thread and never blocks.
 */
final class HttpConnectionPool implements AutoCloseable {

  private static final String[] STATUS_NAMES = new String[600];

  static {
    for (int i = 0; i < STATUS_NAMES.length; i++) {
      STATUS_NAMES[i] = Integer.toString(i);
    }
  }

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
  private final long timeoutNanos;

  HttpConnectionPool(Target target, int ioThreads, Duration connectTimeout, Duration requestTimeout) {
    this.timeoutNanos = requestTimeout.toNanos();
    this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("sluice-bench-http", true),
        NioIoHandler.newFactory());
    this.bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .remoteAddress(target.host(), target.port())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new ResponseHandler());
          }
        });
  }

  /** Sends on an idle connection, or on a new one; the request is released by the transport. */
  void send(FullHttpRequest request, long intendedNanos, long sentNanos, ResponseListener listener) {
    Exchange exchange = new Exchange(intendedNanos, sentNanos, listener);
    Channel channel;
    while ((channel = idle.pollFirst()) != null) {
      if (channel.isActive()) {
        start(channel, request, exchange);
        return;
      }
    }
    bootstrap.connect().addListener((ChannelFuture connected) -> {
      if (connected.isSuccess()) {
        start(connected.channel(), request, exchange);
      } else {
        request.release();
        listener.onComplete(intendedNanos, sentNanos, "connect_error");
      }
    });
  }

  private void start(Channel channel, FullHttpRequest request, Exchange exchange) {
    ResponseHandler handler = channel.pipeline().get(ResponseHandler.class);
    handler.current.set(exchange);
    exchange.timeout = channel.eventLoop().schedule(() -> handler.fail(channel, exchange, "timeout"),
        timeoutNanos, TimeUnit.NANOSECONDS);
    channel.writeAndFlush(request).addListener(written -> {
      if (!written.isSuccess()) {
        handler.fail(channel, exchange, "io_error");
      }
    });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One request in flight. */
  private static final class Exchange {
    final long intendedNanos;
    final long sentNanos;
    final ResponseListener listener;
    volatile ScheduledFuture<?> timeout;
    int status;

    Exchange(long intendedNanos, long sentNanos, ResponseListener listener) {
      this.intendedNanos = intendedNanos;
      this.sentNanos = sentNanos;
      this.listener = listener;
    }

    void complete(String error) {
      ScheduledFuture<?> pending = timeout;
      if (pending != null) {
        pending.cancel(false);
      }
      listener.onComplete(intendedNanos, sentNanos, error);
    }
  }

  /** Completes the connection's current exchange: exactly once, by response, failure or timeout. */
  private final class ResponseHandler extends ChannelInboundHandlerAdapter {
    final AtomicReference<Exchange> current = new AtomicReference<>();
    private boolean keepAlive = true;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse response) {
          Exchange exchange = current.get();
          if (exchange != null) {
            exchange.status = response.status().code();
          }
          keepAlive = HttpUtil.isKeepAlive(response);
        }
        if (msg instanceof LastHttpContent) {
          Exchange exchange = current.getAndSet(null);
          if (exchange != null) {
            // back in the pool before the listener runs, so a closed loop reuses this connection
            if (keepAlive) {
              idle.offerFirst(ctx.channel());
            } else {
              ctx.close();
            }
            int status = exchange.status;
            exchange.complete(status >= 200 && status < 300 ? null
                : (status > 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : "invalid_status"));
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      idle.remove(ctx.channel());
      Exchange exchange = current.getAndSet(null);
      if (exchange != null) {
        exchange.complete("connection_closed");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Exchange exchange = current.get();
      if (exchange != null) {
        fail(ctx.channel(), exchange, "io_error");
      } else {
        ctx.close();
      }
    }

    void fail(Channel channel, Exchange exchange, String error) {
      if (current.compareAndSet(exchange, null)) {
        channel.close();
        exchange.complete(error);
      }
    }
  }
}
