package io.sluice.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The end of an HTTP/1.1 server pipeline (after an aggregator) that answers the requests of one connection one at
 * a time, in order. Subclasses decide what each request means; this class owns the connection: requests received
 * while one is being answered (HTTP pipelining) wait in a queue of at most {@code maxPipelined}, and the connection
 * is not read while they wait (TCP pushes back on a pipelining client; one that waits for each answer is never
 * paused, which would cost two system calls per request); each response is written with the keep-alive the
 * request asked for, and the next waiting request starts once the previous response is written. Used by the inference front end ({@link HttpFrontEnd}) and the admin listener.
 *
 * <ul>
 *   <li><b>Close:</b> after a response that does not keep the connection alive, or whose write failed; on an
 *       {@link IdleStateEvent} while no request is being answered; on {@link #DRAIN}, once the request being
 *       answered (if any) is; on an exception in the pipeline.
 *   <li><b>Ownership:</b> what waits in the queue belongs to this class until it is handed to
 *       {@link #answer}; what is still waiting when the connection closes or the handler is removed is handed to
 *       {@link #discard}. Inbound messages that are not a {@link FullHttpRequest} are released and ignored.
 * </ul>
 *
 * <p>Threading: one instance per connection. The queue and every hook run on the connection's event loop, except
 * {@link #respond}, which may be called from any thread (typically the one completing an asynchronous answer).
 *
 * @param <R> what a received request becomes while it waits for its turn
 */
public abstract class InOrderHttpConnection<R> extends ChannelInboundHandlerAdapter {
  /** User event: finish the request being answered, then close (server shutdown). */
  public static final Object DRAIN = new Object();

  private final String name;
  private final int maxPipelined;
  private final ArrayDeque<R> waiting = new ArrayDeque<>();
  private boolean busy;
  private volatile boolean draining;

  /**
   * @param name what the connection serves, for the log ({@code "<name> connection failed; closing it"})
   * @param maxPipelined requests that may wait while one is answered; one more goes to {@link #overflowed}
   */
  protected InOrderHttpConnection(String name, int maxPipelined) {
    this.name = name;
    this.maxPipelined = maxPipelined;
  }

  /**
   * A request arrived. The subclass owns {@code request} and passes what it makes of it to {@link #offer}
   * (or drops it, releasing it).
   */
  protected abstract void received(ChannelHandlerContext ctx, FullHttpRequest request);

  /**
   * It is {@code request}'s turn: answer it, now or later, with exactly one {@link #respond}; until that response
   * is written no other request starts. Ownership of {@code request} passes to the subclass.
   */
  protected abstract void answer(ChannelHandlerContext ctx, R request);

  /** Releases what a request that will never be answered holds. */
  protected abstract void discard(R request);

  /**
   * A request arrived with the queue full and was {@link #discard discarded}: returns what to queue in its place
   * (answered in its turn, beyond the limit), or null to close the connection at once.
   */
  protected abstract R overflowed(R dropped);

  /** The response to the request being answered was written (or its write failed); the next may start after. */
  protected void answered() {}

  /** The connection closed; what waits in the queue is discarded after this. */
  protected void closed() {}

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    received(ctx, request);
  }

  /** Answers {@code request} now when none is being answered; otherwise queues it (see {@link #overflowed}). */
  protected final void offer(ChannelHandlerContext ctx, R request) {
    if (!busy) {
      start(ctx, request);
      return;
    }
    R queued = request;
    if (waiting.size() >= maxPipelined) {
      discard(request);
      queued = overflowed(request);
      if (queued == null) {
        ctx.close();
        return;
      }
    }
    waiting.add(queued);
    ctx.channel().config().setAutoRead(false);
  }

  private void start(ChannelHandlerContext ctx, R request) {
    busy = true;
    answer(ctx, request);
  }

  /** {@link #respond(ChannelHandlerContext, FullHttpResponse, boolean, ChannelFutureListener)} with no listener. */
  protected final void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    respond(ctx, response, keepAlive, null);
  }

  /**
   * Writes the answer to the request being answered, from any thread; it keeps the connection alive when
   * {@code keepAlive} and the connection is not draining. Once the write completes, on the event loop:
   * {@code whenWritten} (when not null), {@link #answered()}, then the next request or the close.
   */
  protected final void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive,
      ChannelFutureListener whenWritten) {
    boolean keepOpen = keepAlive && !draining;
    HttpUtil.setKeepAlive(response, keepOpen);
    ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
      if (whenWritten != null) {
        whenWritten.operationComplete(written);
      }
      responded(ctx, keepOpen && written.isSuccess());
    });
  }

  private void responded(ChannelHandlerContext ctx, boolean keepOpen) {
    busy = false;
    answered();
    if (!keepOpen || draining) {
      ctx.close();
      return;
    }
    R next = waiting.poll();
    if (next != null) {
      start(ctx, next);
    } else {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public final void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      if (!busy) {
        ctx.close();
      }
    } else if (event == DRAIN) {
      draining = true;
      if (!busy) {
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) {
    closed();
    discardWaiting();
    ctx.fireChannelInactive();
  }

  @Override
  public final void handlerRemoved(ChannelHandlerContext ctx) {
    discardWaiting();
  }

  private void discardWaiting() {
    R next;
    while ((next = waiting.poll()) != null) {
      discard(next);
    }
  }

  @Override
  public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    System.getLogger(getClass().getName()).log(System.Logger.Level.DEBUG, name + " connection failed; closing it",
        cause);
    ctx.close();
  }
}
