package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.AdmissionOptions;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.RequestObserver;
import io.sluice.gateway.core.RequestRecorder;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.session.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcAdmissionTest {
  private final Admission admission = new Admission(new AdmissionOptions(1, 1 << 20, 3));
  private final List<String> rejected = new ArrayList<>();
  private final GrpcAdmission grpc = new GrpcAdmission(admission, new InferenceDispatcher(new Recording(),
      request -> {
        throw new AssertionError("admission never dispatches");
      }, List.of()));

  @Test
  void anAdmittedRequestHoldsItsSerializedSizeUntilReleased() {
    ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("m").setId("1").build();

    long bytes = grpc.admit(request, System.nanoTime());

    assertThat(bytes).isEqualTo(request.getSerializedSize());
    assertThat(admission.requestsInFlight()).isEqualTo(1);
    assertThat(admission.bytesInFlight()).isEqualTo(bytes);
    grpc.release(bytes);
    assertThat(admission.requestsInFlight()).isZero();
    assertThat(admission.bytesInFlight()).isZero();
    assertThat(rejected).isEmpty();
  }

  @Test
  void aRefusedRequestIsRecordedUnavailableAndHoldsNothing() {
    long first = grpc.admit(ModelInferRequest.newBuilder().setModelName("m").build(), System.nanoTime());

    long refused = grpc.admit(ModelInferRequest.newBuilder().setModelName("other").build(), System.nanoTime());

    assertThat(refused).isEqualTo(GrpcAdmission.REFUSED);
    assertThat(rejected).containsExactly("other " + Protocol.GRPC + " " + Outcome.UNAVAILABLE);
    grpc.release(refused);
    assertThat(admission.requestsInFlight()).isEqualTo(1);
    grpc.release(first);
    assertThat(admission.requestsInFlight()).isZero();
  }

  @Test
  void theRefusalIsTheSharedOneAndItsStatusCarriesTheRetryPushback() {
    StatusRuntimeException status = grpc.refusalStatus();

    assertThat(grpc.refusal()).isSameAs(admission.refusal());
    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getStatus().getDescription()).isEqualTo(admission.refusal().getMessage());
    assertThat(status.getTrailers().get(Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("3000");
    assertThat(grpc.refusalStatus()).isNotSameAs(status);
  }

  /** Records each rejection as "model protocol outcome". */
  private final class Recording implements RequestObserver {
    @Override
    public RequestRecorder served(ModelVersion version, Protocol protocol) {
      return RequestRecorder.NONE;
    }

    @Override
    public RequestRecorder unserved(String modelName, Protocol protocol) {
      return (outcome, received, dispatched, completed, written) ->
          rejected.add(modelName + " " + protocol + " " + outcome);
    }
  }
}
