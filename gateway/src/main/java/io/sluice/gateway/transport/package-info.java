/**
 * Which Netty transport the gateway's own listeners run on: {@link io.sluice.gateway.transport.ServerTransport}
 * (native epoll when available, NIO otherwise), shared by the HTTP and admin listeners.
 */
package io.sluice.gateway.transport;
