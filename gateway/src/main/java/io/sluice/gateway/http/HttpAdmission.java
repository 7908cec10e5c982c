package io.sluice.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.gateway.core.Admission;

/**
 * Asks the server-wide {@link Admission} about each inference request ({@code POST .../infer}) as soon as its head
 * is decoded, before the body is buffered: by the declared {@code Content-Length}, and chunk by chunk for a
 * chunked body. A refused request is cut short: its head goes on with an empty body (and without
 * {@code Expect: 100-continue}, so the client is not invited to upload), the rest of its body is dropped, and
 * {@link HttpRequestHandler} answers it 503 with {@code Retry-After} in its turn and closes the connection.
 * Other requests (health, metadata, statistics, repository) pass without being counted.
 *
 * <p>Sits between the HTTP codec and the aggregator. Whole requests leave the aggregator synchronously as their
 * last content passes here, so the request handler collects the outcome with {@link #takeReservation()} and
 * {@link #takeRefused()} when it receives each request (the same hand-over as the aggregator's head time). The
 * reservation belongs to this handler until taken; what a closed connection leaves untaken is released here.
 *
 * <p>One per connection; used on its event loop only.
 */
final class HttpAdmission extends ChannelInboundHandlerAdapter {
  /** {@link #takeReservation()} for a request that holds nothing (not an inference, or refused). */
  static final long NONE = -1;

  private final Admission admission;
  private final boolean overCapacity;
  // The request whose body is arriving: bytes it holds (NONE when not counted), whether it was refused, and
  // whether its chunks still have to be admitted one by one (no Content-Length).
  private long current = NONE;
  private boolean refused;
  private boolean growing;
  private boolean discarding;

  /**
   * @param overCapacity the connection is over the connection cap: every request on it is cut short (answered
   *     "too many connections" by the request handler), none is counted or buffered
   */
  HttpAdmission(Admission admission, boolean overCapacity) {
    this.admission = admission;
    this.overCapacity = overCapacity;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest head) {
      begin(head);
      if (refused) {
        cutShort(ctx, head, msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      if (discarding) {
        discarding = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
      if (growing && content.content().isReadable()) {
        int more = content.content().readableBytes();
        if (!admission.tryGrow(current, more)) {
          refused = true;
          growing = false;
          discarding = !(msg instanceof LastHttpContent);
          ReferenceCountUtil.release(msg);
          ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
          return;
        }
        current += more;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void begin(HttpRequest head) {
    releaseCurrent();
    refused = false;
    growing = false;
    discarding = false;
    if (!head.decoderResult().isSuccess()) {
      return;
    }
    if (overCapacity) {
      refused = true;
      return;
    }
    if (!isInference(head)) {
      return;
    }
    long declared = HttpUtil.getContentLength(head, -1L);
    if (admission.tryAdmit(Math.max(0, declared))) {
      current = Math.max(0, declared);
      growing = declared < 0;
    } else {
      refused = true;
    }
  }

  /** Passes {@code head} on with an empty body, and drops the body it announced. */
  private void cutShort(ChannelHandlerContext ctx, HttpRequest head, Object msg) {
    boolean whole = msg instanceof LastHttpContent;
    if (whole) {
      ((LastHttpContent) msg).content().clear();
    }
    head.headers().remove(HttpHeaderNames.EXPECT);
    head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    HttpUtil.setContentLength(head, 0);
    ctx.fireChannelRead(msg);
    if (!whole) {
      discarding = true;
      ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  /**
   * The bytes the request just handed over holds, now owned by the caller (release them with
   * {@link Admission#release(long)} once it is answered), or {@link #NONE}.
   */
  long takeReservation() {
    long taken = current;
    current = NONE;
    return taken;
  }

  /** Whether admission refused the request just handed over; it must be answered 503 and the connection closed. */
  boolean takeRefused() {
    boolean taken = refused;
    refused = false;
    return taken;
  }

  private void releaseCurrent() {
    if (current != NONE) {
      admission.release(current);
      current = NONE;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseCurrent();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCurrent();
  }

  /** {@code POST} to a path ending in {@code /infer} (query and fragment ignored, as routing does): allocation-free. */
  static boolean isInference(HttpRequest head) {
    if (!HttpMethod.POST.equals(head.method())) {
      return false;
    }
    String uri = head.uri();
    int end = HttpRoute.pathEnd(uri, 0);
    return end >= 6 && uri.regionMatches(end - 6, "/infer", 0, 6);
  }
}
