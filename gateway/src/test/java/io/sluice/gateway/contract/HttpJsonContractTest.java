package io.sluice.gateway.contract;

/** The contract over HTTP with JSON tensors (FP16/BF16 binary, as the protocol requires). */
class HttpJsonContractTest extends InferenceContract {
  @Override
  protected ProtocolClient newClient() {
    return new HttpProtocolClient(ContractServer.get().httpPort(), false);
  }
}
