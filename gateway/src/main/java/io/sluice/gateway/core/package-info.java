/**
 * The shared request path of both front ends: {@link io.sluice.gateway.core.InferenceDispatcher} (route ->
 * admit -> run), {@link io.sluice.gateway.core.ServerQueries} (health, metadata, config, statistics as
 * protocol messages) and {@link io.sluice.gateway.core.GatewayErrors} (the HTTP and gRPC status mappings).
 */
package io.sluice.gateway.core;
