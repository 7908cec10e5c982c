package io.sluice.gateway.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.gateway.tls.ServerTls;
import io.sluice.gateway.tls.TlsKeyManagers;
import io.sluice.gateway.transport.ServerTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin listener: its own HTTP/1.1 server (Netty), apart from the inference listeners, serving the
 * {@link AdminRoutes} (metrics, latency, and later traffic, rollout, audit and drift).
 *
 * <p>Security (see {@link AdminOptions}): bound to 127.0.0.1 by default; on any other address it does not
 * start without a token file. On loopback, requests must carry a loopback {@code Host} (against DNS
 * rebinding); browser requests from other origins are refused everywhere; with a token file every request
 * needs {@code Authorization: Bearer <token>}. The token file holds one token per line, optionally as
 * {@code identity:token}; the identity (or {@value AdminAccess#DEFAULT_IDENTITY}) is the request's actor.
 * Tokens are compared in constant time and never logged. With TLS ({@link AdminOptions#tls()}) the listener speaks
 * HTTPS only; when it requires client certificates, a client without one signed by the configured CA fails the
 * handshake and never reaches the access checks, and the listener may bind any address without a token file.
 *
 * <p>Limits: bodies up to {@link #MAX_BODY_BYTES} (413 beyond, before buffering the rest), 8 KiB request
 * line, 16 KiB headers, connections idle for 60 s close. Handlers run on a small executor, never on the event
 * loop; when its queue is full requests get 503.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} (idempotent).
 */
public final class AdminServer implements AutoCloseable {
  /** Largest request body: 1 MiB. */
  public static final int MAX_BODY_BYTES = 1 << 20;
  /** The actor of requests to a listener without tokens or client certificates (loopback only). */
  public static final String LOCAL_ACTOR = "local";

  private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
  private static final int MAX_INITIAL_LINE_BYTES = 8 << 10;
  private static final int MAX_HEADER_BYTES = 16 << 10;
  private static final int IDLE_SECONDS = 60;
  private static final int HANDLER_THREADS = 2;
  private static final int HANDLER_QUEUE = 64;
  private static final long SHUTDOWN_SECONDS = 2;

  private final AdminOptions options;
  private final AdminRoutes routes;
  private final ServerTls tls;
  private final ChannelGroup connections = new DefaultChannelGroup("sluice-admin", GlobalEventExecutor.INSTANCE);
  private ThreadPoolExecutor handlers;
  private EventLoopGroup loop;
  private volatile Channel listener;
  private boolean closed;

  /**
   * A listener on its own, reading its TLS files itself.
   *
   * @throws IllegalArgumentException when the TLS files cannot be read
   */
  public AdminServer(AdminOptions options, AdminRoutes routes) {
    this(options, routes, ServerTls.of(options.tls(), "admin"));
  }

  /**
   * A server's admin listener, presenting the certificate of {@code tlsKeys} (shared with the server's other
   * listeners on the same files; the server closes it).
   *
   * @throws IllegalArgumentException when {@code tlsKeys} did not read the files of {@link AdminOptions#tls()}
   */
  public AdminServer(AdminOptions options, AdminRoutes routes, TlsKeyManagers tlsKeys) {
    this(options, routes, ServerTls.shared(options.tls(), tlsKeys));
  }

  private AdminServer(AdminOptions options, AdminRoutes routes, ServerTls tls) {
    this.options = options;
    this.routes = routes;
    this.tls = tls;
  }

  /**
   * Reads the token file and binds the listener.
   *
   * @throws IOException when the token file cannot be read
   * @throws IllegalArgumentException when the token file holds no token
   * @throws IllegalStateException when already started or closed
   * @throws InterruptedException when interrupted while binding
   */
  public synchronized void start() throws IOException, InterruptedException {
    if (loop != null || closed) {
      throw new IllegalStateException("admin listener already started");
    }
    AdminAccess access = AdminAccess.of(options);
    AtomicInteger threads = new AtomicInteger();
    handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(HANDLER_QUEUE), task -> {
          Thread thread = new Thread(task, "sluice-admin-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    ServerTransport transport = ServerTransport.best();
    loop = transport.eventLoops(1, "sluice-admin-io");
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loop)
        .channel(transport.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            tls.addTo(channel);
            channel.pipeline().addLast(
                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                    .setMaxHeaderSize(MAX_HEADER_BYTES)
                    .setAllowDuplicateContentLengths(false)
                    .setUseRfc9112TransferEncoding(true)),
                new HttpObjectAggregator(MAX_BODY_BYTES, true),
                new AdminConnection(routes, access, handlers));
          }
        });
    try {
      listener = bootstrap.bind(options.host(), options.port()).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      shutdown();
      throw e;
    }
    LOG.log(System.Logger.Level.INFO, "admin listening on {0}:{1}{2}{3}", options.host(), Integer.toString(port()),
        tls.describe(), access.requiresToken() ? " (bearer token required)" : "");
  }

  /**
   * The bound port (the actual one when {@link AdminOptions#port()} is 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    Channel bound = listener;
    if (bound == null) {
      throw new IllegalStateException("admin listener not started");
    }
    return ((InetSocketAddress) bound.localAddress()).getPort();
  }

  public AdminOptions options() {
    return options;
  }

  public AdminRoutes routes() {
    return routes;
  }

  /** Stops accepting, closes every connection and stops the handler threads. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (listener != null) {
      listener.close().syncUninterruptibly();
      connections.close().awaitUninterruptibly(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }
    shutdown();
  }

  private void shutdown() {
    tls.close();
    if (loop != null) {
      loop.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS)
          .awaitUninterruptibly(SHUTDOWN_SECONDS * 2, TimeUnit.SECONDS);
    }
    if (handlers != null) {
      handlers.shutdownNow();
    }
  }
}
