/**
 * The gRPC front end: the Open Inference Protocol service {@code inference.GRPCInferenceService} with
 * Triton's {@code ModelStreamInfer}, {@code ModelConfig} and {@code ModelStatistics}, plus
 * {@code grpc.health.v1} and server reflection. It only decodes and encodes: inference goes through the shared
 * {@link io.sluice.gateway.core.InferenceDispatcher}, everything else through
 * {@link io.sluice.gateway.core.ServerQueries}, and failures map to statuses through
 * {@link io.sluice.gateway.core.GatewayErrors}.
 *
 * <p>Entry points: {@link io.sluice.gateway.grpc.GrpcFrontEnd} (the Netty listener, configured by
 * {@link io.sluice.gateway.grpc.GrpcOptions}) and {@link io.sluice.gateway.grpc.InferenceGrpcService} (the
 * rpcs, usable on any transport, e.g. in-process in tests).
 *
 * <p>Requests carry either one {@code raw_input_contents} entry per input or typed {@code contents} per
 * input, never both; responses always carry {@code raw_output_contents}. Non-finite floats (NaN, infinities),
 * raw or typed, reach the model as they are, as with the HTTP binary extension. The repository rpcs are not
 * implemented (UNIMPLEMENTED).
 *
 * <p>Deadlines: a call whose deadline has passed before it is dispatched, or while it waits in the model's
 * queue, is never run. When the deadline has already passed on arrival, grpc-java's server resets the stream
 * ({@code RST_STREAM CANCEL}) before the service sees the call; callers learn of the deadline from their own
 * client, which reports DEADLINE_EXCEEDED.
 *
 * <p>Stream ordering policy: {@code ModelStreamInfer} answers each request exactly once, in order of
 * completion rather than arrival; every answer echoes the request's {@code id}, model name and version so
 * clients can correlate. Failures are answered in band ({@code error_message}) and the stream goes on. At
 * most 64 requests per stream are read and not yet answered (flow control: the rest wait in the transport).
 */
package io.sluice.gateway.grpc;
