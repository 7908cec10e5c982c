/**
 * The Sluice process: {@link io.sluice.gateway.SluiceServer} wires the model manager, the shared request
 * path ({@code core}) and the HTTP ({@code http}) and gRPC ({@code grpc}) front ends; {@code cli} is the
 * command line.
 */
package io.sluice.gateway;
