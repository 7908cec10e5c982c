/**
 * The admin listener: a separate HTTP/1.1 server for operators (metrics, latency; later traffic, rollout,
 * audit and drift), bound to loopback by default.
 *
 * <p>Entry points: {@link io.sluice.gateway.admin.AdminServer} configured by
 * {@link io.sluice.gateway.admin.AdminOptions}; {@link io.sluice.gateway.admin.AdminRoutes} where features add
 * their resources as {@link io.sluice.gateway.admin.AdminHandler}s taking an
 * {@link io.sluice.gateway.admin.AdminRequest} (path and query parameters, body, actor) and answering an
 * {@link io.sluice.gateway.admin.AdminResponse}. Access rules (Host and Origin checks, bearer tokens) live in
 * {@code AdminAccess}; one connection is served by {@code AdminConnection}, an
 * {@link io.sluice.gateway.http.InOrderHttpConnection}. HTTPS and client certificates (mutual TLS) come from
 * {@link io.sluice.gateway.admin.AdminOptions#tls()}.
 */
package io.sluice.gateway.admin;
