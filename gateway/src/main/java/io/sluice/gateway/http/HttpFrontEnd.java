package io.sluice.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.tls.ServerTls;
import io.sluice.gateway.tls.TlsKeyManagers;
import io.sluice.gateway.transport.ServerTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 listener of the Open Inference Protocol's REST binding (with Triton's extensions), on Netty.
 * Per connection: a request deadline, an idle timeout, the HTTP codec (limits on the request line and headers,
 * strict framing: Content-Length with Transfer-Encoding, duplicate Content-Lengths and a final coding other than
 * chunked are rejected), admission of inference requests before their bodies are buffered ({@link HttpAdmission}),
 * the body aggregator (413 over the body limit, {@code Expect: 100-continue}) and
 * {@link HttpRequestHandler}. Connections beyond {@link HttpOptions#maxConnections()} get 503 for their requests.
 * With {@link HttpOptions#tls()} set, a TLS handler comes first (HTTPS; see {@link ServerTls}). Runs on native
 * epoll where it is available, NIO otherwise ({@link ServerTransport}).
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} once (idempotent). {@link #close()} stops
 * accepting, lets requests in flight finish for up to {@value #DRAIN_SECONDS} seconds while idle connections
 * close, then closes what is left and shuts the event loops down.
 */
public final class HttpFrontEnd implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpFrontEnd.class.getName());
  private static final long DRAIN_SECONDS = 5;
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 2;

  private final HttpOptions options;
  private final InferenceDispatcher dispatcher;
  private final ServerQueries queries;
  private final Admission admission;
  private final ServerTls tls;
  private final ServerTransport transport;
  private final ChannelGroup connections = new DefaultChannelGroup("sluice-http", GlobalEventExecutor.INSTANCE);
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;
  private volatile Channel listener;
  private boolean closed;

  /**
   * A front end on its own: its own default {@link Admission}, its TLS files read by itself (tests and embedding).
   *
   * @throws IllegalArgumentException when the TLS files cannot be read
   */
  public HttpFrontEnd(HttpOptions options, InferenceDispatcher dispatcher, ServerQueries queries) {
    this(options, dispatcher, queries, Admission.withDefaults(), ServerTransport.best());
  }

  /**
   * A server's front end: it admits inference requests through {@code admission} and presents the certificate of
   * {@code tlsKeys} (both shared with the server's other listeners; the server closes {@code tlsKeys}).
   *
   * @throws IllegalArgumentException when {@code tlsKeys} did not read the files of {@link HttpOptions#tls()}
   */
  public HttpFrontEnd(HttpOptions options, InferenceDispatcher dispatcher, ServerQueries queries,
      Admission admission, TlsKeyManagers tlsKeys) {
    this(options, dispatcher, queries, admission, ServerTls.shared(options.tls(), tlsKeys), ServerTransport.best());
  }

  /** A front end that reads its TLS files itself, on {@code transport} (tests run both). */
  HttpFrontEnd(HttpOptions options, InferenceDispatcher dispatcher, ServerQueries queries, Admission admission,
      ServerTransport transport) {
    this(options, dispatcher, queries, admission, ServerTls.of(options.tls(), "HTTP"), transport);
  }

  private HttpFrontEnd(HttpOptions options, InferenceDispatcher dispatcher, ServerQueries queries,
      Admission admission, ServerTls tls, ServerTransport transport) {
    this.options = options;
    this.dispatcher = dispatcher;
    this.queries = queries;
    this.admission = admission;
    this.tls = tls;
    this.transport = transport;
  }

  /**
   * Binds the listener.
   *
   * @throws IllegalStateException when already started or closed
   * @throws InterruptedException when interrupted while binding
   */
  public synchronized void start() throws InterruptedException {
    if (acceptor != null || closed) {
      throw new IllegalStateException("HTTP front end already started");
    }
    acceptor = transport.eventLoops(1, "sluice-http-accept");
    workers = transport.eventLoops(options.eventLoopThreads(), "sluice-http");
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptor, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new Initializer());
    try {
      listener = bootstrap.bind(options.host(), options.port()).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      shutdownEventLoops();
      throw e;
    }
    LOG.log(System.Logger.Level.INFO, "HTTP listening on {0}:{1}{2} ({3})", options.host(),
        Integer.toString(port()), tls.describe(), transport);
  }

  /**
   * The bound port (the actual one when {@link HttpOptions#port()} is 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    Channel bound = listener;
    if (bound == null) {
      throw new IllegalStateException("HTTP front end not started");
    }
    return ((InetSocketAddress) bound.localAddress()).getPort();
  }

  /** Stops accepting, drains connections (bounded), closes them and shuts the event loops down. */
  @Override
  public void close() {
    close(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS));
  }

  /**
   * Stops accepting connections, answers new requests on open connections 503, lets requests in flight
   * finish for up to {@code drainMillis}, then closes every connection and shuts the event loops down.
   * Idempotent.
   */
  public synchronized void close(long drainMillis) {
    if (closed) {
      return;
    }
    closed = true;
    if (listener != null) {
      listener.close().syncUninterruptibly();
      for (Channel connection : connections) {
        connection.pipeline().fireUserEventTriggered(InOrderHttpConnection.DRAIN);
      }
      connections.newCloseFuture().awaitUninterruptibly(drainMillis, TimeUnit.MILLISECONDS);
      connections.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    shutdownEventLoops();
  }

  private void shutdownEventLoops() {
    tls.close();
    if (acceptor == null) {
      return;
    }
    acceptor.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    acceptor.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
    workers.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
  }

  /** Builds the pipeline of each accepted connection. */
  private final class Initializer extends ChannelInitializer<SocketChannel> {
    @Override
    protected void initChannel(SocketChannel channel) {
      connections.add(channel);
      // the group forgets a channel when it closes, so its size is the open connections, this one included
      boolean overCapacity = connections.size() > options.maxConnections();
      tls.addTo(channel);
      HttpDecoderConfig decoding = new HttpDecoderConfig()
          .setMaxInitialLineLength(options.maxInitialLineBytes())
          .setMaxHeaderSize(options.maxHeaderBytes())
          .setAllowDuplicateContentLengths(false)
          .setUseRfc9112TransferEncoding(true);
      RequestDeadline deadline = new RequestDeadline(options.idleTimeoutSeconds(), TimeUnit.SECONDS);
      HttpBodyAggregator aggregator = new HttpBodyAggregator(options.maxBodyBytes());
      HttpAdmission admitting = new HttpAdmission(admission, overCapacity);
      channel.pipeline().addLast(
          deadline,
          new IdleStateHandler(0, 0, options.idleTimeoutSeconds(), TimeUnit.SECONDS),
          new HttpServerCodec(decoding),
          admitting,
          aggregator,
          new HttpRequestHandler(dispatcher, queries, options, aggregator, deadline, admission, admitting,
              overCapacity));
    }
  }
}
