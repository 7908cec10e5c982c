package io.sluice.gateway.grpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.testing.FuzzContract;

/**
 * Fuzzes {@link InferRequestConverter} with {@code ModelInferRequest} wire bytes, parsed as gRPC's protobuf
 * marshaller parses them (bytes that do not parse never reach the service). A parsed request either converts
 * into tensors whose bytes match their shapes, or it is rejected with INVALID_ARGUMENT and a client-safe
 * message ({@link FuzzContract}); anything else is a finding.
 *
 * <p>Seeds: {@code src/test/resources/io/sluice/gateway/grpc/InferRequestConverterFuzzTestInputs/grpcRequest/}.
 * Normal test runs replay them; {@code .ci/fuzz grpc 10m} fuzzes (docs/FUZZING.md).
 */
class InferRequestConverterFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void grpcRequest(byte[] wire) {
    ModelInferRequest request;
    try {
      request = ModelInferRequest.parseFrom(wire);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    InferenceRequest converted;
    try {
      converted = InferRequestConverter.convert(request, 0L);
    } catch (InferenceException e) {
      FuzzContract.assertRejection(e, wire, ErrorCode.INVALID_ARGUMENT);
      return;
    }
    FuzzContract.assertConsistent(converted.inputs());
  }
}
