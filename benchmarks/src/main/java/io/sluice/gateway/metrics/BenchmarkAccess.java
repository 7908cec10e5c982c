package io.sluice.gateway.metrics;

import io.sluice.gateway.core.Protocol;

/**
 * Opens the package-private constructor of {@link LatencyRecorder} to the JMH suites in
 * {@code io.sluice.benchmarks.jmh}. Lives in the benchmarks module (same package name, on the classpath only);
 * the gateway does not ship it.
 */
public final class BenchmarkAccess {
  private BenchmarkAccess() {}

  /** A standalone latency series, as {@link LatencyRecorders} creates one per model, version and protocol. */
  public static LatencyRecorder latencyRecorder(String model, String version, Protocol protocol) {
    return new LatencyRecorder(model, version, protocol, System.currentTimeMillis());
  }
}
