package io.sluice.gateway.contract;

/** The contract over gRPC with raw contents, as tritonclient and perf_analyzer send them. */
class GrpcContractTest extends InferenceContract {
  @Override
  protected ProtocolClient newClient() {
    return new GrpcProtocolClient(ContractServer.get().grpcPort());
  }
}
