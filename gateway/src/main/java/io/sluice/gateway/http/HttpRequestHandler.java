package io.sluice.gateway.http;

import static io.sluice.runtime.exec.InferenceException.quoted;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceCall;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.runtime.exec.Cancellation;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.repository.ModelName;

/**
 * Serves one connection: routes each aggregated request ({@link HttpRoute}), answers health, metadata, config and
 * statistics from {@link ServerQueries} on the event loop (in-memory snapshots), and hands inference to the
 * {@link InferenceDispatcher}: the body is decoded here, the request buffer released, and the response encoded
 * and written by whichever thread completes the inference. Inference never runs on the event loop.
 *
 * <p>Requests on a connection are answered one at a time, in order ({@link InOrderHttpConnection}): while one is
 * in flight the channel stops reading, and requests already decoded (HTTP pipelining) wait in a queue of at most
 * {@link HttpOptions#maxPipelinedRequests()}; one more is answered 503 in its turn and closes the connection.
 * Rejected requests leave the connection usable unless the framing itself was broken (decoder failures: 400, 414
 * or 431, then close).
 *
 * <p>A connection that closes while its inference is queued or running cancels it: the scheduler drops it
 * unrun, or stops its run when no other caller shares it. The NIO transport notices a peer's close only
 * when it reads, and reading is off while a request is in flight; the epoll transport is told by the kernel
 * ({@code EPOLLRDHUP}) and so notices it at once.
 *
 * <p>One per connection; its state is touched on the connection's event loop only.
 */
final class HttpRequestHandler extends InOrderHttpConnection<HttpRequestHandler.Pending> {
  private static final String TOO_MANY_CONNECTIONS =
      "server overloaded: too many connections; retry later";
  private static final String TOO_MANY_PIPELINED =
      "too many pipelined requests on this connection; retry on a new connection";

  private final InferenceDispatcher dispatcher;
  private final ServerQueries queries;
  private final HttpOptions options;
  private final HttpBodyAggregator aggregator;
  private final RequestDeadline deadline;
  private final Admission admission;
  private final HttpAdmission admissionHandler;
  private final boolean overCapacity;
  // A refusal is queued or being answered: the connection closes after it, later requests are dropped.
  private boolean closing;
  // Admission bytes held by the request being answered (HttpAdmission.NONE when it holds none).
  private long answeringBytes = HttpAdmission.NONE;
  // The dispatched inference's signal, cancelled if the connection closes before it is answered.
  private Cancellation inferring;

  /**
   * A request waiting for its turn. {@code request} is null when it was dropped at once (too many pipelined);
   * {@code refusal}, when not null, is the 503 it gets instead of being served. (Not private: it is the type
   * argument of this class's superclass.)
   */
  record Pending(FullHttpRequest request, long receivedNanos, long admittedBytes, String refusal) {}

  /**
   * @param admission the server-wide admission that {@code admissionHandler} reserves requests from
   * @param overCapacity this connection is over {@link HttpOptions#maxConnections()}: every request on it is
   *     answered 503 and the connection closed
   */
  HttpRequestHandler(InferenceDispatcher dispatcher, ServerQueries queries, HttpOptions options,
      HttpBodyAggregator aggregator, RequestDeadline deadline, Admission admission, HttpAdmission admissionHandler,
      boolean overCapacity) {
    super("HTTP", options.maxPipelinedRequests());
    this.dispatcher = dispatcher;
    this.queries = queries;
    this.options = options;
    this.aggregator = aggregator;
    this.deadline = deadline;
    this.admission = admission;
    this.admissionHandler = admissionHandler;
    this.overCapacity = overCapacity;
  }

  @Override
  protected void received(ChannelHandlerContext ctx, FullHttpRequest request) {
    deadline.requestReceived();
    long receivedNanos = aggregator.lastHeadNanos();
    long admittedBytes = admissionHandler.takeReservation();
    String refusal = overCapacity ? TOO_MANY_CONNECTIONS
        : admissionHandler.takeRefused() ? admission.refusal().getMessage() : null;
    if (closing) {
      request.release();
      release(admittedBytes);
      return;
    }
    closing = refusal != null;
    offer(ctx, new Pending(request, receivedNanos, admittedBytes, refusal));
  }

  /** The queue is full: {@code dropped} is answered 503 in its turn, and the connection closes after it. */
  @Override
  protected Pending overflowed(Pending dropped) {
    closing = true;
    return new Pending(null, dropped.receivedNanos(), HttpAdmission.NONE, TOO_MANY_PIPELINED);
  }

  @Override
  protected void answer(ChannelHandlerContext ctx, Pending next) {
    answeringBytes = next.admittedBytes();
    if (next.refusal() != null) {
      refuse(ctx, next);
      return;
    }
    FullHttpRequest request = next.request();
    long receivedNanos = next.receivedNanos();
    try {
      DecoderResult result = request.decoderResult();
      if (!result.isSuccess()) {
        respond(ctx, malformed(ctx, result.cause()), false);
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      FullHttpResponse response;
      try {
        response = route(ctx, request, receivedNanos, keepAlive);
      } catch (RuntimeException e) {
        response = HttpResponses.error(ctx.alloc(), e);
      }
      if (response != null) {
        respond(ctx, response, keepAlive);
      }
    } finally {
      request.release();
    }
  }

  /** The response, or null when inference was dispatched and will respond on completion. */
  private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request, long receivedNanos,
      boolean keepAlive) {
    HttpRoute route = HttpRoute.parse(request.uri());
    if (route.kind() == HttpRoute.Kind.NOT_FOUND) {
      return HttpResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "unknown path "
          + quoted(path(request.uri())));
    }
    if (!request.method().equals(route.method())) {
      FullHttpResponse response = HttpResponses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method " + quoted(request.method().name()) + " is not allowed here (expected: "
              + route.method().name() + ")");
      response.headers().set(HttpHeaderNames.ALLOW, route.method().name());
      return response;
    }
    String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (encoding != null && !HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(encoding)) {
      return HttpResponses.error(ctx.alloc(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Encoding " + quoted(encoding) + " is not supported (expected: identity)");
    }
    String model = route.model();
    String version = route.version();
    switch (route.kind()) {
      case SERVER_METADATA:
        return HttpResponses.proto(ctx.alloc(), queries.serverMetadata());
      case SERVER_LIVE:
        return queries.live() ? HttpResponses.flag(ctx.alloc(), "live")
            : HttpResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "server is not live");
      case SERVER_READY:
        return queries.ready() ? HttpResponses.flag(ctx.alloc(), "ready")
            : HttpResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "server is not ready");
      case MODEL_READY:
        return queries.modelReady(model, version) ? HttpResponses.modelReady(ctx.alloc(), model)
            : HttpResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "model '"
                + ModelName.forMessage(model) + "'" + (version.isEmpty() ? "" : " version " + version)
                + " is not ready");
      case MODEL_METADATA:
        return HttpResponses.proto(ctx.alloc(), queries.modelMetadata(model, version));
      case MODEL_CONFIG:
        return HttpResponses.proto(ctx.alloc(), queries.modelConfig(model, version).getConfig());
      case MODEL_STATISTICS:
        return HttpResponses.proto(ctx.alloc(), queries.modelStatistics(model, version));
      case ALL_STATISTICS:
        return HttpResponses.proto(ctx.alloc(), queries.modelStatistics("", ""));
      case REPOSITORY_INDEX:
        return HttpResponses.repositoryIndex(ctx.alloc(),
            queries.repository().index(RepositoryRequests.readyOnly(request.content())));
      case REPOSITORY_LOAD:
        complete(ctx, queries.repository().load(model), keepAlive);
        return null;
      case REPOSITORY_UNLOAD:
        complete(ctx, queries.repository().unload(model), keepAlive);
        return null;
      case MODEL_INFER:
        infer(ctx, request, route, receivedNanos, keepAlive);
        return null;
      default:
        throw new IllegalStateException("unrouted " + route.kind());
    }
  }

  private void infer(ChannelHandlerContext ctx, FullHttpRequest request, HttpRoute route, long receivedNanos,
      boolean keepAlive) {
    DecodedInferRequest decoded;
    try {
      decoded = InferRequestDecoder.decode(route.model(), route.version(), request.headers(), request.content(),
          receivedNanos);
    } catch (RuntimeException invalid) {
      dispatcher.reject(route.model(), Protocol.HTTP, receivedNanos, Outcome.of(invalid));
      throw invalid;
    }
    Cancellation cancellation = new Cancellation();
    inferring = cancellation;
    InferenceCall call = dispatcher.dispatch(
        decoded.request().withDeadline(InferenceRequest.NO_DEADLINE, cancellation), Protocol.HTTP);
    call.whenComplete((response, failure) -> {
      FullHttpResponse http;
      Throwable outcome = failure;
      try {
        http = failure == null ? InferResponseEncoder.encode(ctx.alloc(), response, decoded)
            : HttpResponses.error(ctx.alloc(), failure);
      } catch (RuntimeException e) {
        outcome = e;
        http = HttpResponses.error(ctx.alloc(), e);
      }
      // Reported once the answer is written (or its write failed), before the next request starts.
      Throwable reported = outcome;
      respond(ctx, http, keepAlive, written -> call.answered(reported, written.isSuccess()));
    });
  }

  /** Answers 200 with an empty body when {@code operation} succeeds, the error otherwise. */
  private void complete(ChannelHandlerContext ctx, java.util.concurrent.CompletableFuture<Void> operation,
      boolean keepAlive) {
    operation.whenComplete((ignored, failure) -> respond(ctx, failure == null
        ? HttpResponses.empty() : HttpResponses.error(ctx.alloc(), failure), keepAlive));
  }

  @Override
  protected void answered() {
    release(answeringBytes);
    answeringBytes = HttpAdmission.NONE;
    inferring = null;
  }

  /** Answers a refused request 503 with {@code Retry-After}, and closes the connection after it. */
  private void refuse(ChannelHandlerContext ctx, Pending refused) {
    FullHttpRequest request = refused.request();
    if (request != null) {
      try {
        HttpRoute route = HttpRoute.parse(request.uri());
        if (route.kind() == HttpRoute.Kind.MODEL_INFER) {
          dispatcher.reject(route.model(), Protocol.HTTP, refused.receivedNanos(), Outcome.UNAVAILABLE);
        }
      } catch (RuntimeException unparsable) {
        // no model to charge the refusal to; it is still answered, and its admission released after
      } finally {
        request.release();
      }
    }
    FullHttpResponse response = HttpResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
        refused.refusal());
    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, admission.retryAfterSeconds());
    respond(ctx, response, false);
  }

  private void release(long admittedBytes) {
    if (admittedBytes != HttpAdmission.NONE) {
      admission.release(admittedBytes);
    }
  }

  private FullHttpResponse malformed(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponses.error(ctx.alloc(), HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "request line longer than the limit of " + options.maxInitialLineBytes() + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponses.error(ctx.alloc(), HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "request headers larger than the limit of " + options.maxHeaderBytes() + " bytes");
    }
    return HttpResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
        "malformed HTTP request (request line, headers or message framing)");
  }

  private static String path(String uri) {
    int end = uri.indexOf('?');
    return end < 0 ? uri : uri.substring(0, end);
  }

  /** The connection closed: the inference it waits for, if any, is no longer wanted. */
  @Override
  protected void closed() {
    if (inferring != null) {
      inferring.cancel();
      inferring = null;
    }
  }

  @Override
  protected void discard(Pending waiting) {
    if (waiting.request() != null) {
      waiting.request().release();
    }
    release(waiting.admittedBytes());
  }
}
