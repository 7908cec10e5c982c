package io.sluice.gateway.contract;

/** The contract over HTTP with the binary tensor extension for every input and output. */
class HttpBinaryContractTest extends InferenceContract {
  @Override
  protected ProtocolClient newClient() {
    return new HttpProtocolClient(ContractServer.get().httpPort(), true);
  }
}
