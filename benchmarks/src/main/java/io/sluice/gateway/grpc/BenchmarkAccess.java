package io.sluice.gateway.grpc;

import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.exec.InferenceRequest;

/**
 * Opens the package-private gRPC request converter to the JMH suites in {@code io.sluice.benchmarks.jmh}. Lives
 * in the benchmarks module (same package name, on the classpath only); the gateway does not ship it.
 */
public final class BenchmarkAccess {
  private BenchmarkAccess() {}

  /** {@code InferRequestConverter.convert}: a parsed message to the dispatcher's request. */
  public static InferenceRequest convert(ModelInferRequest request) {
    return InferRequestConverter.convert(request, System.nanoTime());
  }
}
