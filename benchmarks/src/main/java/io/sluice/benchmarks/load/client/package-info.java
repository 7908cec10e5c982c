/**
 * Talking to a v2 inference server from the load generator: targets, tensors and their wire encodings (HTTP
 * JSON, HTTP binary tensor extension, gRPC raw contents), model metadata and statistics, and the non-blocking
 * transports.
 *
 * <p>Entry points: {@link io.sluice.benchmarks.load.client.InferenceClient#connect} opens a client for a
 * {@link io.sluice.benchmarks.load.client.Target}; {@link io.sluice.benchmarks.load.client.InputData} builds
 * the request tensors (random, zeros, or from a JSON / JSON-lines file). Requests are sent with
 * {@link io.sluice.benchmarks.load.client.InferenceClient#send}, which never blocks on the server: that is
 * what lets the generator keep its schedule while the server stalls.
 */
package io.sluice.benchmarks.load.client;
