package io.sluice.gateway.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.testing.FuzzContract;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link InferRequestDecoder}: a body either decodes into tensors whose bytes match their shapes, or it
 * is rejected with INVALID_ARGUMENT (UNIMPLEMENTED for the classification extension) and a client-safe message
 * ({@link FuzzContract}). Any other exception or error, a hang, or an allocation sized by a declared length
 * instead of the body (an OutOfMemoryError under the bounded heap of {@code .ci/fuzz}) is a finding.
 *
 * <p>Seeds: {@code src/test/resources/io/sluice/gateway/http/InferRequestDecoderFuzzTestInputs/<method>/}.
 * Normal test runs replay them; {@code .ci/fuzz json|binary 10m} fuzzes one method (docs/FUZZING.md).
 */
class InferRequestDecoderFuzzTest {
  /** A JSON body without the binary extension, from a heap buffer (the parser reads its array). */
  @FuzzTest(maxDuration = "10m")
  void jsonBody(byte[] body) {
    decode(new DefaultHttpHeaders(), Unpooled.wrappedBuffer(body), body);
  }

  /**
   * A body with the binary tensor extension, from a direct buffer (the parser reads a stream). The input's
   * first line is the {@value InferRequestDecoder#HEADER_LENGTH} value, the rest is the body: the fuzzer
   * chooses both. An input without a line break has no such header.
   */
  @FuzzTest(maxDuration = "10m")
  void binaryBody(byte[] input) {
    HttpHeaders headers = new DefaultHttpHeaders();
    int newline = indexOf(input, (byte) '\n');
    int bodyStart = 0;
    if (newline >= 0) {
      String value = new String(input, 0, newline, StandardCharsets.ISO_8859_1);
      try {
        headers.add(InferRequestDecoder.HEADER_LENGTH, value);
      } catch (IllegalArgumentException invalidHeaderValue) {
        return; // Netty's HTTP decoder never hands such a header value to the handler
      }
      bodyStart = newline + 1;
    }
    ByteBuf body = Unpooled.directBuffer(input.length - bodyStart);
    body.writeBytes(input, bodyStart, input.length - bodyStart);
    decode(headers, body, input);
  }

  private static void decode(HttpHeaders headers, ByteBuf body, byte[] input) {
    DecodedInferRequest decoded;
    try {
      decoded = InferRequestDecoder.decode("m", "1", headers, body, 0L);
    } catch (InferenceException e) {
      FuzzContract.assertRejection(e, input, ErrorCode.INVALID_ARGUMENT, ErrorCode.UNIMPLEMENTED);
      return;
    } finally {
      body.release();
    }
    // the decoder copied every tensor out of the body, so the tensors outlive its release
    FuzzContract.assertConsistent(decoded.request().inputs());
  }

  private static int indexOf(byte[] bytes, byte value) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
