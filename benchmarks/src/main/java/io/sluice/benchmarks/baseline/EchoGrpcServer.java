package io.sluice.benchmarks.baseline;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sluice.benchmarks.load.client.Target;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelMetadataRequest;
import io.sluice.proto.inference.ModelMetadataResponse;
import io.sluice.proto.inference.ModelReadyRequest;
import io.sluice.proto.inference.ModelReadyResponse;
import io.sluice.proto.inference.ServerLiveRequest;
import io.sluice.proto.inference.ServerLiveResponse;
import io.sluice.proto.inference.ServerReadyRequest;
import io.sluice.proto.inference.ServerReadyResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The gRPC transport floor: a grpc-java Netty server built like the gateway's ({@code NettyServerBuilder} with
 * its defaults, calls handled on the event loops: {@code directExecutor}) whose {@code GRPCInferenceService} answers every {@code ModelInfer} with the same canned
 * {@link ModelInferResponse}, and {@code ModelMetadata} with canned metadata (so the load generator can build
 * its requests). Other rpcs are UNIMPLEMENTED, statistics included.
 *
 * <p>The canned answers are a live server's ({@code --clone grpc://HOST:PORT}: its metadata of {@code --model}
 * and its response to a request of zeros in {@code raw_input_contents}), or else built-in ones of the sample
 * {@code tabular_classifier}. The main prints the bound port as the only line on stdout and serves until the
 * process is stopped.
 */
@Command(name = "echo-grpc", mixinStandardHelpOptions = true,
    description = "Answers every v2 ModelInfer with a canned response: the gRPC transport floor.")
public final class EchoGrpcServer implements AutoCloseable, Callable<Integer> {

  @CommandLine.Mixin
  EchoOptions options;

  private Server server;
  private AnswerThread answerThread;

  /**
   * The canned answers.
   *
   * @param metadata the answer to every {@code ModelMetadata}
   * @param response the answer to every {@code ModelInfer}
   */
  public record Canned(ModelMetadataResponse metadata, ModelInferResponse response) {

    /** The sample {@code tabular_classifier}'s metadata and a response of its size. */
    public static Canned sample() {
      ModelMetadataResponse metadata = ModelMetadataResponse.newBuilder()
          .setName("tabular_classifier")
          .addVersions("1")
          .addVersions("2")
          .setPlatform("onnxruntime_onnx")
          .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
              .setName("features").setDatatype("FP32").addShape(-1).addShape(4))
          .addOutputs(ModelMetadataResponse.TensorMetadata.newBuilder()
              .setName("probabilities").setDatatype("FP32").addShape(-1).addShape(3))
          .build();
      ByteBuffer probabilities = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
          .putFloat(0.25462136f).putFloat(0.40321985f).putFloat(0.34215882f);
      ModelInferResponse response = ModelInferResponse.newBuilder()
          .setModelName("tabular_classifier")
          .setModelVersion("2")
          .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
              .setName("probabilities").setDatatype("FP32").addShape(1).addShape(3))
          .addRawOutputContents(ByteString.copyFrom(probabilities.array()))
          .build();
      return new Canned(metadata, response);
    }

    /**
     * The metadata of {@code model} on {@code server} and the server's response to one request of zeros (every
     * input FP32, variable dimensions as 1).
     *
     * @throws IOException when the server cannot be reached or answers an error
     */
    public static Canned cloneFrom(Target server, String model) throws IOException {
      ManagedChannel channel = Grpc.newChannelBuilderForAddress(server.host(), server.port(),
          InsecureChannelCredentials.create()).build();
      try {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc
            .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        ModelMetadataResponse metadata = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(model).build());
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
        for (ModelMetadataResponse.TensorMetadata input : metadata.getInputsList()) {
          if (!input.getDatatype().equals("FP32")) {
            throw new IllegalArgumentException("input '" + input.getName() + "': " + input.getDatatype()
                + " (expected: FP32)");
          }
          ModelInferRequest.InferInputTensor.Builder tensor = ModelInferRequest.InferInputTensor.newBuilder()
              .setName(input.getName()).setDatatype("FP32");
          long elements = 1;
          for (long dim : input.getShapeList()) {
            long size = Math.max(1, dim);
            elements *= size;
            tensor.addShape(size);
          }
          request.addInputs(tensor).addRawInputContents(ByteString.copyFrom(new byte[Math.toIntExact(elements * 4)]));
        }
        return new Canned(metadata, stub.modelInfer(request.build()));
      } catch (StatusRuntimeException e) {
        throw new IOException("cloning " + model + " from " + server + ": " + e.getStatus(), e);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new EchoGrpcServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Canned canned = options.clone == null ? Canned.sample()
        : Canned.cloneFrom(Target.parse(options.clone), options.model);
    start(options.host, options.port, canned, options.handOff);
    return EchoOptions.serveUntilStopped("echo-grpc", this, port(), "listening on " + options.host + ":" + port()
        + ", infer response " + canned.response().getSerializedSize() + " bytes"
        + (options.handOff ? ", answered from a worker thread" : ""));
  }

  /** Binds {@code host:port} and serves {@code canned}; {@link #port()} tells the bound port. */
  public EchoGrpcServer start(String bindHost, int bindPort, Canned canned) throws IOException {
    return start(bindHost, bindPort, canned, false);
  }

  /** As {@link #start(String, int, Canned)}, answering {@code ModelInfer} from a worker thread when {@code handOff}. */
  public EchoGrpcServer start(String bindHost, int bindPort, Canned canned, boolean handOff) throws IOException {
    answerThread = AnswerThread.of(handOff, "echo-grpc-worker");
    server = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, bindPort))
        .directExecutor()
        .addService(new Answers(canned, answerThread))
        .build()
        .start();
    return this;
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    answerThread.close();
  }

  /** The canned service. */
  private static final class Answers extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private final Canned canned;
    private final AnswerThread answerThread;

    Answers(Canned canned, AnswerThread answerThread) {
      this.canned = canned;
      this.answerThread = answerThread;
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
      answerThread.execute(() -> {
        answer.onNext(canned.response());
        answer.onCompleted();
      });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> answer) {
      answer.onNext(canned.metadata());
      answer.onCompleted();
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
      answer.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
      answer.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> answer) {
      answer.onNext(ServerReadyResponse.newBuilder().setReady(true).build());
      answer.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> answer) {
      answer.onNext(ModelReadyResponse.newBuilder().setReady(true).build());
      answer.onCompleted();
    }
  }
}
