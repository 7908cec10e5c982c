package io.sluice.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.runtime.exec.InferenceRequest;

/**
 * Opens the package-private HTTP request decoder to the JMH suites in {@code io.sluice.benchmarks.jmh}. Lives in
 * the benchmarks module (same package name, on the classpath only); the gateway does not ship it.
 */
public final class BenchmarkAccess {
  private BenchmarkAccess() {}

  /**
   * {@code InferRequestDecoder.decode}: the infer request body (JSON, or JSON then binary tensors when
   * {@code headers} carry {@code Inference-Header-Content-Length}) to the dispatcher's request. {@code body} is
   * read from its reader index and left as it was.
   */
  public static InferenceRequest decode(String model, String version, HttpHeaders headers, ByteBuf body) {
    return InferRequestDecoder.decode(model, version, headers, body, System.nanoTime()).request();
  }

  /** The binary tensor extension's header name. */
  public static String headerLengthName() {
    return InferRequestDecoder.HEADER_LENGTH;
  }
}
