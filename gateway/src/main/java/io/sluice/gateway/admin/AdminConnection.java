package io.sluice.gateway.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.gateway.core.GatewayErrors;
import io.sluice.gateway.http.InOrderHttpConnection;
import io.sluice.gateway.tls.ServerTls;
import io.sluice.runtime.exec.InferenceException;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves one admin connection: checks access ({@link AdminAccess}), routes ({@link AdminRoutes}), runs the
 * handler on the handler executor and writes its answer. Requests on a connection are answered one at a time,
 * in order ({@link InOrderHttpConnection}): pipelined requests wait, up to {@value #MAX_PIPELINED}; one more
 * closes the connection. State is touched on the event loop only.
 */
final class AdminConnection extends InOrderHttpConnection<FullHttpRequest> {
  private static final System.Logger LOG = System.getLogger(AdminConnection.class.getName());
  private static final int MAX_PIPELINED = 16;

  private final AdminRoutes routes;
  private final AdminAccess access;
  private final Executor handlers;

  AdminConnection(AdminRoutes routes, AdminAccess access, Executor handlers) {
    super("admin", MAX_PIPELINED);
    this.routes = routes;
    this.access = access;
    this.handlers = handlers;
  }

  @Override
  protected void received(ChannelHandlerContext ctx, FullHttpRequest request) {
    offer(ctx, request);
  }

  /** The queue is full: the connection closes at once. */
  @Override
  protected FullHttpRequest overflowed(FullHttpRequest dropped) {
    return null;
  }

  @Override
  protected void discard(FullHttpRequest request) {
    request.release();
  }

  @Override
  protected void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive;
    AdminRequest admin;
    AdminHandler handler;
    try {
      if (!request.decoderResult().isSuccess()) {
        write(ctx, AdminResponse.error(400, "malformed HTTP request"), false, null);
        return;
      }
      keepAlive = HttpUtil.isKeepAlive(request);
      AdminAccess.Verdict verdict = access.check(request.headers(), ServerTls.peerName(ctx.channel()));
      if (!verdict.allowed()) {
        write(ctx, verdict.refusal(), keepAlive, verdict.refusal().status() == 401
            ? "Bearer realm=\"sluice-admin\"" : null);
        return;
      }
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      AdminRoutes.Match match = routes.match(request.method(), uri.rawPath());
      if (!match.found()) {
        if (match.allowed().isEmpty()) {
          write(ctx, AdminResponse.error(404, "unknown admin path"), keepAlive, null);
        } else {
          methodNotAllowed(ctx, request.method(), match, keepAlive);
        }
        return;
      }
      admin = new AdminRequest(request.method(), uri.path(), match.pathParams(), uri.parameters(),
          ByteBufUtil.getBytes(request.content()), verdict.actor());
      handler = match.handler();
    } catch (RuntimeException e) {
      // Malformed query strings and the like.
      write(ctx, AdminResponse.error(400, "malformed admin request"), false, null);
      return;
    } finally {
      request.release();
    }
    boolean keepOpen = keepAlive;
    try {
      handlers.execute(() -> run(handler, admin).whenComplete((response, failure) ->
          write(ctx, failure == null ? response : failure(failure), keepOpen, null)));
    } catch (RejectedExecutionException busyHandlers) {
      write(ctx, AdminResponse.error(503, "admin handlers are busy; retry"), keepOpen, null);
    }
  }

  private static CompletableFuture<AdminResponse> run(AdminHandler handler, AdminRequest request) {
    try {
      CompletableFuture<AdminResponse> answer = handler.handle(request);
      return answer != null ? answer : CompletableFuture.failedFuture(new IllegalStateException("null answer"));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** An error response for a handler failure; only {@link InferenceException} messages reach the client. */
  static AdminResponse failure(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof InferenceException inference) {
      return AdminResponse.error(GatewayErrors.httpStatus(inference.code()), inference.getMessage());
    }
    LOG.log(System.Logger.Level.ERROR, "admin handler failed", cause);
    return AdminResponse.error(500, "internal error");
  }

  private void methodNotAllowed(ChannelHandlerContext ctx, HttpMethod method, AdminRoutes.Match match,
      boolean keepAlive) {
    StringJoiner allow = new StringJoiner(", ");
    for (HttpMethod allowed : match.allowed()) {
      allow.add(allowed.name());
    }
    AdminResponse response = AdminResponse.error(405, "method " + method.name()
        + " is not allowed here (expected: " + allow + ")");
    FullHttpResponse http = toHttp(response);
    http.headers().set(HttpHeaderNames.ALLOW, allow.toString());
    respond(ctx, http, keepAlive);
  }

  /** Writes {@code response} from any thread, then moves on to the next request on the event loop. */
  private void write(ChannelHandlerContext ctx, AdminResponse response, boolean keepAlive, String authenticate) {
    FullHttpResponse http = toHttp(response);
    if (authenticate != null) {
      http.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, authenticate);
    }
    respond(ctx, http, keepAlive);
  }

  private static FullHttpResponse toHttp(AdminResponse response) {
    FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
    if (response.contentType() != null) {
      http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    }
    http.headers()
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .set("X-Content-Type-Options", "nosniff");
    return http;
  }
}
