package io.sluice.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's aggregator with this package's policies: a body over the limit (by {@code Content-Length} up front,
 * or while chunks arrive) gets 413 with a JSON error body and the connection closes, so the rest of the body is
 * never read; {@code Expect: 100-continue} is answered with 100, or with that 413 when the declared length is
 * over the limit. Also records when each request head is seen, for {@link #lastHeadNanos()}.
 *
 * <p>One per connection; used on its event loop only.
 */
final class HttpBodyAggregator extends HttpObjectAggregator {
  private final int maxBodyBytes;
  private long lastHeadNanos;

  HttpBodyAggregator(int maxBodyBytes) {
    super(maxBodyBytes, true);
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * {@link System#nanoTime()} when the head of the latest request was seen. Requests leave this aggregator
   * whole and in order, before the next head is decoded, so a handler reading this as it receives a request
   * gets that request's time.
   */
  long lastHeadNanos() {
    return lastHeadNanos;
  }

  @Override
  protected FullHttpMessage beginAggregation(HttpMessage start, ByteBuf content) throws Exception {
    lastHeadNanos = System.nanoTime();
    return super.beginAggregation(start, content);
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse full
        && full.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      full.release();
      return tooLarge(pipeline.channel().alloc());
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
    if (oversized instanceof HttpRequest) {
      ctx.writeAndFlush(tooLarge(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    } else {
      super.handleOversizedMessage(ctx, oversized);
    }
  }

  private FullHttpResponse tooLarge(ByteBufAllocator alloc) {
    FullHttpResponse response = HttpResponses.error(alloc, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "request body larger than the limit of " + maxBodyBytes + " bytes");
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }
}
