package io.sluice.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsRequest;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link ModelManager} over a temporary repository of {@link TestModels}, served by
 * {@link InferenceGrpcService} on grpc-java's in-process transport. Calls carrying the
 * {@link #EXPIRE_DEADLINE} header run in a context whose deadline has already passed, which is how a deadline
 * that expires between arrival and dispatch looks to the service.
 */
final class InProcessGrpc implements AutoCloseable {
  static final Metadata.Key<String> EXPIRE_DEADLINE =
      Metadata.Key.of("x-test-expire-deadline", Metadata.ASCII_STRING_MARSHALLER);

  final ModelManager models;
  final ManagedChannel channel;
  final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
  final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;
  private final Server server;
  private final ScheduledExecutorService deadlines;

  private InProcessGrpc(ModelManager models, Server server, ManagedChannel channel,
      ScheduledExecutorService deadlines) {
    this.models = models;
    this.server = server;
    this.channel = channel;
    this.deadlines = deadlines;
    this.blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    this.async = GRPCInferenceServiceGrpc.newStub(channel);
  }

  /**
   * Writes {@code identity_all}, {@code fixed_add}, {@code scale_int64}, {@code two_outputs} (version 1 each)
   * and {@code broken} (a model file ONNX Runtime rejects) under {@code repo}, loads them and starts serving.
   */
  static InProcessGrpc start(Path repo) throws IOException {
    TestModels.writeModel(repo, "identity_all", 1, TestModels.identityAll());
    TestModels.writeModel(repo, "fixed_add", 1, TestModels.fixedAdd());
    TestModels.writeModel(repo, "scale_int64", 1, TestModels.scaleInt64());
    TestModels.writeModel(repo, "two_outputs", 1, TestModels.twoOutputs());
    Path broken = TestModels.writeModel(repo, "broken", 1, TestModels.fixedAdd());
    Files.write(broken, new byte[] {1, 2, 3, 4, 5});

    ModelManager models = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()));
    models.loadAll();
    InferenceGrpcService service = new InferenceGrpcService(new InferenceDispatcher(models),
        new ServerQueries(models, "test-version", () -> true));
    String name = InProcessServerBuilder.generateName();
    ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    ServerInterceptor expire = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (!headers.containsKey(EXPIRE_DEADLINE)) {
          return next.startCall(call, headers);
        }
        Context expired = Context.current()
            .withDeadline(Deadline.after(-1, TimeUnit.SECONDS), deadlines);
        return Contexts.interceptCall(expired, call, headers, next);
      }
    };
    Server server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service, expire))
        .build()
        .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    return new InProcessGrpc(models, server, channel, deadlines);
  }

  /** Requests of {@code model} version 1 that the model has run (successfully or not). */
  long runs(String model) {
    ModelStatistics statistics = blocking.modelStatistics(
        ModelStatisticsRequest.newBuilder().setName(model).setVersion("1").build()).getModelStats(0);
    return statistics.getInferenceStats().getSuccess().getCount()
        + statistics.getInferenceStats().getFail().getCount();
  }

  /** Metadata that makes the server see an already expired deadline. */
  static Metadata expiredDeadlineHeaders() {
    Metadata headers = new Metadata();
    headers.put(EXPIRE_DEADLINE, "1");
    return headers;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deadlines.shutdownNow();
      models.close(5_000);
    }
  }
}
