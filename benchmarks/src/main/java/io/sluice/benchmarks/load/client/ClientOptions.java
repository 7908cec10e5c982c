package io.sluice.benchmarks.load.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach and address the server.
 *
 * @param target where to send
 * @param model the model name
 * @param version the model version, or empty for the server's choice
 * @param format HTTP body format (ignored for gRPC, which always sends raw contents)
 * @param requestTimeout how long one inference may take before it counts as a {@code timeout} error
 * @param connectTimeout bound on connecting and on the metadata and statistics calls
 * @param ioThreads transport threads (Netty event loops for HTTP)
 * @param grpcChannels gRPC channels (HTTP/2 connections) used round-robin
 */
public record ClientOptions(Target target, String model, String version, Format format, Duration requestTimeout,
    Duration connectTimeout, int ioThreads, int grpcChannels) {

  /** The HTTP request body format. */
  public enum Format {
    /** JSON {@code data} arrays. */
    JSON,
    /** The binary tensor extension: a JSON header then raw little-endian tensors, binary outputs requested. */
    BINARY
  }

  /** Validates the fields. */
  public ClientOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(format, "format");
    version = version == null ? "" : version;
    if (model.isBlank()) {
      throw new IllegalArgumentException("--model: '' (expected: a model name)");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("--timeout: " + requestTimeout + " (expected: > 0)");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("--connect-timeout: " + connectTimeout + " (expected: > 0)");
    }
    if (ioThreads <= 0) {
      throw new IllegalArgumentException("--io-threads: " + ioThreads + " (expected: > 0)");
    }
    if (grpcChannels <= 0) {
      throw new IllegalArgumentException("--grpc-channels: " + grpcChannels + " (expected: > 0)");
    }
  }

  /** Short label of the wire format: {@code http-json}, {@code http-binary} or {@code grpc}. */
  public String wireLabel() {
    return target.protocol() == Target.Protocol.GRPC ? "grpc" : (format == Format.JSON ? "http-json" : "http-binary");
  }

  /** {@code model 'M'} or {@code model 'M' version V}, for messages. */
  String modelLabel() {
    return "model '" + model + "'" + (version.isEmpty() ? "" : " version " + version);
  }
}
