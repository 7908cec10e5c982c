package io.sluice.gateway.cli;

import io.sluice.gateway.core.AdmissionOptions;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpOptions;
import picocli.CommandLine.Option;

/** The connection, stream and admission limits of {@code sluice serve} (a picocli mixin). */
final class LimitFlags {
  @Option(names = "--http-max-connections", paramLabel = "N", defaultValue = "" + HttpOptions.DEFAULT_MAX_CONNECTIONS,
      description = "Open HTTP connections accepted; requests on more get 503 (default: ${DEFAULT-VALUE}).")
  int httpMaxConnections;

  @Option(names = "--http-max-pipelined", paramLabel = "N", defaultValue = "" + HttpOptions.DEFAULT_MAX_PIPELINED_REQUESTS,
      description = "Requests one HTTP connection may send ahead of the one being answered (default: "
          + "${DEFAULT-VALUE}).")
  int httpMaxPipelined;

  @Option(names = "--http-idle-timeout-secs", paramLabel = "SECONDS", defaultValue = "" + HttpOptions.DEFAULT_IDLE_TIMEOUT_SECONDS,
      description = "Idle HTTP connections close after this long, and a request must arrive whole within it "
          + "(default: ${DEFAULT-VALUE}).")
  int httpIdleTimeoutSeconds;

  @Option(names = "--http-max-header-bytes", paramLabel = "BYTES", defaultValue = "" + HttpOptions.DEFAULT_MAX_HEADER_BYTES,
      description = "Largest total size of an HTTP request's headers; larger get 431 (default: ${DEFAULT-VALUE}).")
  int httpMaxHeaderBytes;

  @Option(names = "--http-max-request-line-bytes", paramLabel = "BYTES", defaultValue = "" + HttpOptions.DEFAULT_MAX_INITIAL_LINE_BYTES,
      description = "Longest HTTP request line; longer get 414 (default: ${DEFAULT-VALUE}).")
  int httpMaxRequestLineBytes;

  @Option(names = "--max-requests-in-flight", paramLabel = "N", defaultValue = "" + AdmissionOptions.DEFAULT_MAX_REQUESTS_IN_FLIGHT,
      description = "Inference requests in flight (both protocols) before new ones get 503/UNAVAILABLE "
          + "(default: ${DEFAULT-VALUE}).")
  int maxRequestsInFlight;

  @Option(names = "--max-bytes-in-flight-mb", paramLabel = "MIB", defaultValue = "1024",
      description = "MiB of request bodies in flight (both protocols) before new ones get 503/UNAVAILABLE "
          + "(default: ${DEFAULT-VALUE}).")
  long maxBytesInFlightMegabytes;

  @Option(names = "--retry-after-secs", paramLabel = "SECONDS", defaultValue = "" + AdmissionOptions.DEFAULT_RETRY_AFTER_SECONDS,
      description = "Retry-After (and gRPC retry pushback) sent when the in-flight caps refuse a request; other "
          + "503s (a full model queue, draining) say 1 s (default: ${DEFAULT-VALUE}).")
  int retryAfterSeconds;

  @Option(names = "--grpc-max-concurrent-streams", paramLabel = "N",
      defaultValue = "" + GrpcOptions.DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION,
      description = "Concurrent gRPC calls per connection (default: ${DEFAULT-VALUE}).")
  int grpcMaxConcurrentStreams;

  @Option(names = "--grpc-keepalive-secs", paramLabel = "SECONDS", defaultValue = "" + GrpcOptions.DEFAULT_KEEP_ALIVE_TIME_SECONDS,
      description = "The server pings gRPC connections quiet this long (default: ${DEFAULT-VALUE}).")
  int grpcKeepAliveSeconds;

  @Option(names = "--grpc-permit-keepalive-secs", paramLabel = "SECONDS",
      defaultValue = "" + GrpcOptions.DEFAULT_PERMIT_KEEP_ALIVE_TIME_SECONDS,
      description = "gRPC clients pinging more often are sent GOAWAY (default: ${DEFAULT-VALUE}).")
  int grpcPermitKeepAliveSeconds;

  /** The HTTP listener's options. */
  HttpOptions http(String host, int port, int maxBodyBytes) {
    return new HttpOptions(host, port, maxBodyBytes, httpMaxHeaderBytes, httpMaxRequestLineBytes,
        httpIdleTimeoutSeconds, 0, httpMaxConnections, httpMaxPipelined);
  }

  /** The gRPC listener's options. */
  GrpcOptions grpc(String host, int port, int maxMessageBytes) {
    return new GrpcOptions(host, port, maxMessageBytes, grpcMaxConcurrentStreams,
        GrpcOptions.DEFAULT_MAX_INBOUND_METADATA_BYTES, grpcKeepAliveSeconds,
        GrpcOptions.DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS, grpcPermitKeepAliveSeconds,
        GrpcOptions.DEFAULT_MAX_CONNECTION_IDLE_SECONDS, null);
  }

  /** Server-wide admission. */
  AdmissionOptions admission() {
    if (maxBytesInFlightMegabytes <= 0 || maxBytesInFlightMegabytes > (Long.MAX_VALUE >> 20)) {
      throw new IllegalArgumentException("--max-bytes-in-flight-mb: " + maxBytesInFlightMegabytes
          + " (expected: > 0)");
    }
    return new AdmissionOptions(maxRequestsInFlight, maxBytesInFlightMegabytes << 20, retryAfterSeconds);
  }
}
