package io.sluice.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.runtime.exec.ErrorCode;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void refusesByCountAndByBytesAndReleasesBoth() {
    Admission admission = new Admission(new AdmissionOptions(2, 1000, 3));

    assertThat(admission.tryAdmit(600)).isTrue();
    assertThat(admission.tryAdmit(600)).as("600 + 600 > 1000").isFalse();
    assertThat(admission.tryAdmit(300)).isTrue();
    assertThat(admission.tryAdmit(0)).as("third request over the count cap").isFalse();
    assertThat(admission.requestsInFlight()).isEqualTo(2);
    assertThat(admission.bytesInFlight()).isEqualTo(900);
    assertThat(admission.refusedByBytes()).isEqualTo(1);
    assertThat(admission.refusedByCount()).isEqualTo(1);

    admission.release(600);
    admission.release(300);
    assertThat(admission.requestsInFlight()).isZero();
    assertThat(admission.bytesInFlight()).isZero();
  }

  @Test
  void aRequestAloneIsAdmittedEvenWhenLargerThanTheByteCap() {
    Admission admission = new Admission(new AdmissionOptions(10, 100, 1));

    assertThat(admission.tryAdmit(5000)).isTrue();
    assertThat(admission.tryAdmit(1)).isFalse();
    admission.release(5000);
    assertThat(admission.tryAdmit(1)).isTrue();
  }

  @Test
  void growingRequestsAreRefusedAtTheCapAndKeepWhatTheyHeld() {
    Admission admission = new Admission(new AdmissionOptions(10, 1000, 1));
    assertThat(admission.tryAdmit(0)).isTrue();
    assertThat(admission.tryGrow(0, 700)).isTrue();
    assertThat(admission.tryAdmit(200)).isTrue();
    assertThat(admission.tryGrow(700, 200)).isFalse();
    assertThat(admission.bytesInFlight()).isEqualTo(900);
  }

  @Test
  void aGrowingRequestAloneIsAdmittedPastTheByteCapAsADeclaredOneIs() {
    Admission admission = new Admission(new AdmissionOptions(10, 1000, 1));
    assertThat(admission.tryAdmit(0)).isTrue();
    assertThat(admission.tryGrow(0, 800)).isTrue();
    assertThat(admission.tryGrow(800, 800)).isTrue();
    assertThat(admission.bytesInFlight()).isEqualTo(1600);
    assertThat(admission.tryAdmit(1)).isFalse();
  }

  @Test
  void theRefusalIsUnavailableAndNamesTheRetryDelay() {
    Admission admission = new Admission(new AdmissionOptions(1, 1, 7));
    assertThat(admission.refusal().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(admission.refusal().getMessage()).contains("overloaded").contains("7 s");
    assertThat(admission.retryAfterSeconds()).isEqualTo(7);
  }

  @Test
  void invalidOptionsAreNamed() {
    assertThatThrownBy(() -> new AdmissionOptions(0, 1, 1)).hasMessage("maxRequestsInFlight: 0 (expected: > 0)");
    assertThatThrownBy(() -> new AdmissionOptions(1, 0, 1)).hasMessage("maxBytesInFlight: 0 (expected: > 0)");
    assertThatThrownBy(() -> new AdmissionOptions(1, 1, -1)).hasMessage("retryAfterSeconds: -1 (expected: >= 0)");
  }
}
