package io.sluice.gateway.grpc;

import static io.sluice.gateway.grpc.InferenceGrpcServiceTest.fixedAddTyped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.ContextListeners;
import io.grpc.stub.ServerCallStreamObserver;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.proto.inference.ModelStreamInferResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream's flow control and cancellation against a scripted response observer. Every request names a
 * model the (empty) repository does not have, so the dispatcher fails it at once and answers are written on
 * the calling thread, deterministically; the tests of the call's context serve {@code fixed_add}.
 */
class StreamInferCallTest {
  @TempDir Path repo;
  private final FakeCall call = new FakeCall();
  private StreamInferCall stream;
  private ModelManager models;

  @BeforeEach
  void start() throws IOException {
    InferenceDispatcher dispatcher = new InferenceDispatcher(
        new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults())));
    stream = StreamInferCall.start(dispatcher, new GrpcAdmission(Admission.withDefaults(), dispatcher), call,
        Context.ROOT);
  }

  @Test
  void readsOneWindowWithAutomaticReadsDisabled() {
    assertThat(call.autoRequestDisabled).isTrue();
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT);
  }

  @Test
  void eachAnswerReadsOneMoreRequestWhileTheTransportIsReady() {
    call.ready = true;

    stream.onNext(fixedAddTyped("a"));
    stream.onNext(fixedAddTyped("b"));

    assertThat(call.written).extracting(answer -> answer.getInferResponse().getId()).containsExactly("a", "b");
    assertThat(call.written).allSatisfy(answer -> assertThat(answer.getErrorMessage()).contains("unknown model"));
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT + 2);
  }

  @Test
  void answersWrittenWhileNotReadyHoldBackReadsUntilTheTransportIsReady() {
    call.ready = false;
    stream.onNext(fixedAddTyped("a"));
    stream.onNext(fixedAddTyped("b"));
    stream.onNext(fixedAddTyped("c"));

    assertThat(call.written).hasSize(3);
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT);

    call.ready = true;
    call.onReady.run();
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT + 3);
    call.onReady.run();
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT + 3);
  }

  @Test
  void halfCloseEndsTheCallOnceEverythingIsAnswered() {
    call.ready = true;
    stream.onNext(fixedAddTyped("a"));
    assertThat(call.completed).isZero();

    stream.onCompleted();

    assertThat(call.completed).isEqualTo(1);
    assertThat(call.written).hasSize(1);
  }

  @Test
  void aCancelledCallIsNeverWrittenTo() {
    call.ready = true;
    call.cancelled = true;
    call.onCancel.run();

    stream.onNext(fixedAddTyped("a"));
    stream.onCompleted();
    call.onReady.run();

    assertThat(call.written).isEmpty();
    assertThat(call.completed).isZero();
    assertThat(call.requested).isEqualTo(StreamInferCall.MAX_IN_FLIGHT);
  }

  @Test
  void aRequestReadAfterTheContextWasCancelledIsNotRun() throws IOException {
    // grpc-java cancels a cancelled call's context at once and runs the onCancel handler only after the requests
    // already queued for the call executor: those are read into a call whose context is cancelled
    Context.CancellableContext context = Context.ROOT.withCancellation();
    StreamInferCall stream = servingFixedAdd(context);
    call.ready = true;
    context.cancel(null);

    stream.onNext(fixedAddTyped("late"));

    await().atMost(Duration.ofSeconds(30)).until(() -> call.written.size() == 1);
    assertThat(call.written.get(0).getErrorMessage()).contains("the request was cancelled by the client");
    assertThat(models.resolve("fixed_add", "").statistics().snapshot().executionCount()).isZero();
  }

  @Test
  void everyAnsweredRequestTakesItsListenerOffTheStreamsContext() throws IOException {
    Context.CancellableContext context = Context.ROOT.withCancellation();
    StreamInferCall stream = servingFixedAdd(context);
    call.ready = true;

    for (int i = 0; i < 10; i++) {
      stream.onNext(fixedAddTyped("r" + i));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> call.written.size() == 10);
    assertThat(call.written).allSatisfy(answer -> assertThat(answer.getErrorMessage()).isEmpty());
    assertThat(ContextListeners.count(context)).isZero();
    context.cancel(null);
  }

  /** A stream in {@code context} over a repository serving {@code fixed_add}; the models close after the test. */
  private StreamInferCall servingFixedAdd(Context context) throws IOException {
    TestModels.writeModel(repo, "fixed_add", 1, TestModels.fixedAdd());
    models = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()));
    models.loadAll();
    InferenceDispatcher dispatcher = new InferenceDispatcher(models);
    return StreamInferCall.start(dispatcher, new GrpcAdmission(Admission.withDefaults(), dispatcher), call, context);
  }

  @AfterEach
  void closeModels() {
    if (models != null) {
      models.close(5_000);
    }
  }

  /** Records what the stream does to its response observer; answers may be written from a model's worker. */
  private static final class FakeCall extends ServerCallStreamObserver<ModelStreamInferResponse> {
    final List<ModelStreamInferResponse> written = new CopyOnWriteArrayList<>();
    int requested;
    int completed;
    boolean ready;
    boolean cancelled;
    boolean autoRequestDisabled;
    Runnable onReady;
    Runnable onCancel;

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
      onCancel = handler;
    }

    @Override
    public void setCompression(String compression) {}

    @Override
    public void disableAutoRequest() {
      autoRequestDisabled = true;
    }

    @Override
    public void disableAutoInboundFlowControl() {
      autoRequestDisabled = true;
    }

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
      onReady = handler;
    }

    @Override
    public void request(int count) {
      requested += count;
    }

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void onNext(ModelStreamInferResponse value) {
      written.add(value);
    }

    @Override
    public void onError(Throwable t) {
      throw new AssertionError("the stream never fails the call", t);
    }

    @Override
    public void onCompleted() {
      completed++;
    }
  }
}
