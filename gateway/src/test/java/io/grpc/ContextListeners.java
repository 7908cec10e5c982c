package io.grpc;

/**
 * What a test can see of a {@link Context}'s cancellation listeners: how many are registered, through the
 * package-private count grpc-java keeps for its own tests. Lets a test check that code listening to a long-lived
 * context (a stream's) takes its listeners off again.
 */
public final class ContextListeners {
  private ContextListeners() {}

  /** The listeners registered on {@code context}'s cancellable ancestor; 0 when it has none. */
  public static int count(Context context) {
    return context.listenerCount();
  }
}
