package io.sluice.gateway.grpc;

import static io.sluice.gateway.grpc.InferenceGrpcServiceTest.fixedAddTyped;
import static io.sluice.gateway.grpc.InferenceGrpcServiceTest.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelStreamInferResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelStreamInfer on the in-process transport: in-band errors, deadlines, flow control. */
class ModelStreamInferTest {
  @TempDir static Path repo;
  static InProcessGrpc grpc;

  @BeforeAll
  static void start() throws Exception {
    grpc = InProcessGrpc.start(repo);
  }

  @AfterAll
  static void stop() throws Exception {
    grpc.close();
  }

  @Test
  void errorsAreAnsweredInBandAndTheStreamGoesOn() throws Exception {
    Collector answers = new Collector();
    StreamObserver<ModelInferRequest> requests = grpc.async.modelStreamInfer(answers);
    requests.onNext(fixedAddTyped("ok-1"));
    requests.onNext(fixedAddTyped("unknown").toBuilder().setModelName("no_such_model").build());
    requests.onNext(fixedAddTyped("mixed").toBuilder()
        .addRawInputContents(ByteString.copyFrom(new byte[16]))
        .addRawInputContents(ByteString.copyFrom(new byte[16])).build());
    requests.onNext(fixedAddTyped("ok-2"));
    requests.onCompleted();

    assertThat(answers.status()).isEqualTo(Status.Code.OK);
    Map<String, ModelStreamInferResponse> byId = answers.byId();
    assertThat(byId).containsOnlyKeys("ok-1", "unknown", "mixed", "ok-2");
    for (String ok : List.of("ok-1", "ok-2")) {
      ModelStreamInferResponse answer = byId.get(ok);
      assertThat(answer.getErrorMessage()).isEmpty();
      assertThat(answer.getInferResponse().getModelName()).isEqualTo("fixed_add");
      assertThat(floats(answer.getInferResponse().getRawOutputContents(0))).containsExactly(11f, -18f, 3.5f, 0f);
    }
    ModelStreamInferResponse unknown = byId.get("unknown");
    assertThat(unknown.getErrorMessage()).contains("no_such_model");
    assertThat(unknown.getInferResponse().getModelName()).isEqualTo("no_such_model");
    assertThat(unknown.getInferResponse().getOutputsCount()).isZero();
    assertThat(byId.get("mixed").getErrorMessage()).contains("'a'").contains("raw_input_contents")
        .doesNotContain("Exception");
  }

  @Test
  void expiredDeadlineIsAnsweredInBandWithoutRunningTheModel() throws Exception {
    long before = grpc.runs("fixed_add");
    Collector answers = new Collector();
    StreamObserver<ModelInferRequest> requests = grpc.async
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(InProcessGrpc.expiredDeadlineHeaders()))
        .modelStreamInfer(answers);
    requests.onNext(fixedAddTyped("late-1"));
    requests.onNext(fixedAddTyped("late-2"));
    requests.onCompleted();

    assertThat(answers.status()).isEqualTo(Status.Code.OK);
    assertThat(answers.byId()).containsOnlyKeys("late-1", "late-2");
    assertThat(answers.byId().values())
        .allSatisfy(answer -> assertThat(answer.getErrorMessage()).contains("deadline exceeded"));
    assertThat(grpc.runs("fixed_add")).isEqualTo(before);
  }

  @Test
  void manyMoreRequestsThanTheInFlightWindowAreAllAnswered() throws Exception {
    int count = 3 * StreamInferCall.MAX_IN_FLIGHT + 7;
    Collector answers = new Collector();
    StreamObserver<ModelInferRequest> requests = grpc.async.modelStreamInfer(answers);
    for (int i = 0; i < count; i++) {
      requests.onNext(fixedAddTyped("r" + i));
    }
    requests.onCompleted();

    assertThat(answers.status()).isEqualTo(Status.Code.OK);
    Map<String, ModelStreamInferResponse> byId = answers.byId();
    assertThat(byId).hasSize(count);
    assertThat(byId.values()).allSatisfy(answer -> assertThat(answer.getErrorMessage()).isEmpty());
  }

  @Test
  void aClientThatDoesNotReadAnswersIsNoLongerRead() throws Exception {
    int total = 2 * StreamInferCall.MAX_IN_FLIGHT;
    long before = grpc.runs("fixed_add");
    AtomicInteger sent = new AtomicInteger();
    Collector answers = new Collector();
    AtomicReference<ClientCallStreamObserver<ModelInferRequest>> call = new AtomicReference<>();
    grpc.async.modelStreamInfer(new ClientResponseObserver<ModelInferRequest, ModelStreamInferResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<ModelInferRequest> requests) {
        call.set(requests);
        requests.disableAutoRequestWithInitial(0);
        // Runs on the channel's callback executor, one at a time: sends while the server asks for more.
        requests.setOnReadyHandler(() -> {
          if (sent.get() == total) {
            return;
          }
          while (requests.isReady() && sent.get() < total) {
            requests.onNext(fixedAddTyped("r" + sent.getAndIncrement()));
          }
          if (sent.get() == total) {
            requests.onCompleted();
          }
        });
      }

      @Override
      public void onNext(ModelStreamInferResponse value) {
        answers.onNext(value);
      }

      @Override
      public void onError(Throwable t) {
        answers.onError(t);
      }

      @Override
      public void onCompleted() {
        answers.onCompleted();
      }
    });

    // The in-process transport passes a message only when the receiver asked for it, so the server reads
    // one window, answers it into a transport that cannot send (the client asked for no answers), and
    // then reads no more.
    await().atMost(Duration.ofSeconds(30))
        .until(() -> grpc.runs("fixed_add") - before >= StreamInferCall.MAX_IN_FLIGHT);
    assertThat(sent.get()).isEqualTo(StreamInferCall.MAX_IN_FLIGHT);
    assertThat(answers.received).isEmpty();

    // Once the client reads, the held-back requests are read and answered.
    call.get().request(total);
    assertThat(answers.status()).isEqualTo(Status.Code.OK);
    assertThat(sent.get()).isEqualTo(total);
    assertThat(answers.byId()).hasSize(total);
    assertThat(grpc.runs("fixed_add") - before).isEqualTo(total);
  }

  /** Collects the answers of one stream and how it ended. */
  static final class Collector implements StreamObserver<ModelStreamInferResponse> {
    final List<ModelStreamInferResponse> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public void onNext(ModelStreamInferResponse value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    Status.Code status() throws Exception {
      return end.get(30, TimeUnit.SECONDS).getCode();
    }

    Map<String, ModelStreamInferResponse> byId() {
      Map<String, ModelStreamInferResponse> byId = new HashMap<>();
      for (ModelStreamInferResponse answer : received) {
        ModelStreamInferResponse previous = byId.put(answer.getInferResponse().getId(), answer);
        assertThat(previous).as("answered twice: " + answer.getInferResponse().getId()).isNull();
      }
      return byId;
    }
  }
}
