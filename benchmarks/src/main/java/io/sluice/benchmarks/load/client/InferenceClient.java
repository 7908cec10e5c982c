package io.sluice.benchmarks.load.client;

import java.util.List;
import java.util.Optional;

/**
 * A client of one model on one v2 server. Control calls ({@link #metadata()}, {@link #statistics()}) block;
 * {@link #send} never waits for the server.
 *
 * <p>Lifecycle: {@link #connect}, {@link #metadata()}, {@link #prepare}, then any number of {@link #send}
 * calls from any threads, then {@link #close()}.
 */
public interface InferenceClient extends AutoCloseable {

  /** Opens a client for the target's protocol; connections are made lazily. */
  static InferenceClient connect(ClientOptions options) {
    return options.target().protocol() == Target.Protocol.GRPC
        ? new GrpcInferenceClient(options)
        : new HttpInferenceClient(options);
  }

  /** The options this client was opened with. */
  ClientOptions options();

  /**
   * Reads the model's metadata; this is also the reachability check.
   *
   * @throws TargetException when the server is unreachable, does not know the model, or answers garbage
   */
  ModelMetadata metadata() throws TargetException;

  /** Reads the model's statistics; empty when the server has no statistics endpoint or the call fails. */
  Optional<ServerStatistics> statistics();

  /**
   * Encodes the request bodies once, before the run; {@link #send} cycles through them.
   *
   * @throws IllegalArgumentException when a tensor cannot travel in the chosen format (FP16 as JSON)
   */
  void prepare(List<List<Tensor>> records);

  /**
   * Sends the next prepared request without waiting for anything; the listener hears the outcome exactly once,
   * within the request timeout.
   *
   * @param intendedNanos the scheduled send time ({@link System#nanoTime()}), handed back to the listener
   */
  void send(long intendedNanos, ResponseListener listener);

  /**
   * Sends the first prepared request once more, synchronously, to learn why requests fail: returns the
   * server's status and error message ({@code 400: input 'x' ...}), or empty when it now succeeds.
   */
  Optional<String> explainFailure();

  /** Closes connections; requests still in flight complete with an error or not at all. */
  @Override
  void close();
}
