package io.sluice.gateway.hardening;

import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.contract.GrpcProtocolClient;
import io.sluice.gateway.contract.HttpProtocolClient;
import io.sluice.gateway.contract.ProtocolClient;
import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.Result;

/** The request paths a corpus case is rendered onto, each spoken by one of the contract clients. */
enum WirePath {
  /** {@code POST /v2/models/{m}[/versions/{v}]/infer} with JSON {@code data}. */
  JSON,
  /** The same endpoint with the binary tensor extension ({@code Inference-Header-Content-Length}). */
  BINARY,
  /** gRPC {@code ModelInfer} with {@code raw_input_contents}. */
  GRPC_RAW,
  /** gRPC {@code ModelInfer} with typed {@code contents}. */
  GRPC_TYPED;

  boolean http() {
    return this == JSON || this == BINARY;
  }

  ProtocolClient connect(SluiceServer server) {
    return http() ? new HttpProtocolClient(server.httpPort(), this == BINARY)
        : new GrpcProtocolClient(server.grpcPort(), this == GRPC_TYPED);
  }

  /** The status this path reports for {@code answer}, as {@link Result#status()} spells it. */
  String status(Answer answer) {
    return http() ? Integer.toString(answer.httpStatus) : answer.grpcCode.name();
  }

  /** Renders {@code call} with {@code client} (made by {@link #connect}), applies {@code tweak}, sends it. */
  Result send(ProtocolClient client, Call call, Tweak tweak) {
    if (http()) {
      HttpProtocolClient http = (HttpProtocolClient) client;
      return http.send(call.model(), call.version(), tweak.apply(http.body(call)));
    }
    GrpcProtocolClient grpc = (GrpcProtocolClient) client;
    return grpc.infer(tweak.apply(grpc.request(call)), tweak.interceptors());
  }
}
