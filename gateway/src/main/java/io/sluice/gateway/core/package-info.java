/**
 * The shared request path of both front ends: {@link io.sluice.gateway.core.InferenceDispatcher} (route ->
 * admit -> run, answering an {@link io.sluice.gateway.core.InferenceCall} that the transport reports back on
 * once the answer is written), {@link io.sluice.gateway.core.ServerQueries} (health, metadata, config,
 * statistics as protocol messages) and {@link io.sluice.gateway.core.GatewayErrors} (the HTTP and gRPC status
 * mappings). {@link io.sluice.gateway.core.RequestObserver} and {@link io.sluice.gateway.core.RequestRecorder}
 * are the seam to the metrics, with the {@link io.sluice.gateway.core.Protocol} and
 * {@link io.sluice.gateway.core.Outcome} tags.
 */
package io.sluice.gateway.core;
