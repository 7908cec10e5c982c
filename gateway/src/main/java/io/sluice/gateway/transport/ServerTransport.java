package io.sluice.gateway.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport of the gateway's own listeners (HTTP and admin): native epoll when Netty's epoll
 * library loads here (Linux x86_64; {@code netty-transport-native-epoll}), NIO otherwise. The one place that
 * decides, so every listener runs on the same transport and a machine without epoll still serves.
 *
 * <p>Epoll saves a selector wake-up and a copy of the ready set per event-loop turn, and tells a connection
 * that its peer closed ({@code EPOLLRDHUP}) even while the connection is not reading, which lets an HTTP
 * request's inference be cancelled when its client disconnects. The gRPC listener runs on grpc-java's shaded
 * Netty, which picks its own shaded epoll the same way.
 */
public enum ServerTransport {
  /** Netty's native epoll transport. */
  EPOLL("epoll"),
  /** The JDK's selector-based transport. */
  NIO("nio");

  private static final ServerTransport BEST = Epoll.isAvailable() ? EPOLL : NIO;

  private final String displayName;

  ServerTransport(String displayName) {
    this.displayName = displayName;
  }

  /** Epoll when it is available, else NIO. */
  public static ServerTransport best() {
    return BEST;
  }

  /** Why epoll is not used, or null when it is. */
  public static Throwable epollUnavailabilityCause() {
    return Epoll.unavailabilityCause();
  }

  /**
   * A group of {@code threads} event loops of this transport named {@code threadPrefix}-N (0 threads: Netty's
   * default, twice the cores).
   *
   * @throws IllegalStateException for {@link #EPOLL} when epoll is not available
   */
  public EventLoopGroup eventLoops(int threads, String threadPrefix) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlerFactory());
  }

  /** The listening channel type to pass to {@code ServerBootstrap.channel}. */
  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  private IoHandlerFactory ioHandlerFactory() {
    if (this == NIO) {
      return NioIoHandler.newFactory();
    }
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("the epoll transport is not available here", Epoll.unavailabilityCause());
    }
    return EpollIoHandler.newFactory();
  }

  /** {@code epoll} or {@code nio}, as the listeners' log lines name it. */
  @Override
  public String toString() {
    return displayName;
  }
}
