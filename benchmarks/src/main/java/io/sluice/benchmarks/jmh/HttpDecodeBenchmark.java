package io.sluice.benchmarks.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.benchmarks.load.client.HttpBodies;
import io.sluice.gateway.http.BenchmarkAccess;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.onnx.BenchmarkModels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HTTP infer request decoding ({@code InferRequestDecoder}): a tabular request of {@code rows} x 12 FP32
 * features (the benchmark MLP's input) from body bytes to the dispatcher's request with its direct tensor
 * buffer. {@link #json} parses a {@code "data"} array; {@link #binary} reads the binary tensor extension (a JSON
 * header, then the raw bytes). The body sits in a direct buffer, as Netty's aggregator hands it over.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HttpDecodeBenchmark {
  @Param({"1", "64"})
  public int rows;

  private ByteBuf jsonBody;
  private HttpHeaders jsonHeaders;
  private ByteBuf binaryBody;
  private HttpHeaders binaryHeaders;

  @Setup
  public void setUp() {
    long[] shape = {rows, BenchmarkModels.MLP_FEATURES};
    float[] values = Fixtures.values(rows * BenchmarkModels.MLP_FEATURES, 12);
    byte[] json = Fixtures.jsonBody(Fixtures.INPUT, shape, values);
    jsonBody = Unpooled.directBuffer(json.length).writeBytes(json);
    jsonHeaders = new DefaultHttpHeaders()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    HttpBodies.Body binary = Fixtures.binaryBody(Fixtures.INPUT, shape, values);
    binaryBody = Unpooled.directBuffer(binary.bytes().length).writeBytes(binary.bytes());
    binaryHeaders = new DefaultHttpHeaders()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, binary.bytes().length)
        .setInt(BenchmarkAccess.headerLengthName(), binary.headerLength());
  }

  @TearDown
  public void tearDown() {
    jsonBody.release();
    binaryBody.release();
  }

  @Benchmark
  public InferenceRequest json() {
    return BenchmarkAccess.decode("tabular_mlp", "", jsonHeaders, jsonBody);
  }

  @Benchmark
  public InferenceRequest binary() {
    return BenchmarkAccess.decode("tabular_mlp", "", binaryHeaders, binaryBody);
  }
}
