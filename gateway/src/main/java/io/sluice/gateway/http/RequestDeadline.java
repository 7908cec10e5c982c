package io.sluice.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive completely within a deadline of its first byte, so clients
 * that send headers or bodies a byte at a time cannot hold connections open (idle connections are the
 * {@link io.netty.handler.timeout.IdleStateHandler}'s job). Sits first in the pipeline and sees raw bytes; the
 * request handler calls {@link #requestReceived()} when a whole request has been decoded.
 *
 * <p>One per connection; used on its event loop only.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private final long timeoutNanos;
  private ChannelHandlerContext context;
  private ScheduledFuture<?> timer;

  RequestDeadline(long timeout, TimeUnit unit) {
    this.timeoutNanos = unit.toNanos(timeout);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null && msg instanceof ByteBuf bytes && bytes.isReadable()) {
      timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** The request whose first bytes armed the deadline has arrived whole. */
  void requestReceived() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    context.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requestReceived();
    ctx.fireChannelInactive();
  }
}
