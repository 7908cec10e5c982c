package io.sluice.runtime.exec;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells the request path that a request's client stopped waiting: its gRPC call was cancelled or ran past its
 * deadline, or its HTTP connection closed. The transport calls {@link #cancel()} from any thread; schedulers
 * poll {@link #isCancelled()} to drop queued requests unrun, and listen ({@link #onCancel}) while the request
 * runs so that a model run nobody waits for any more can be stopped.
 *
 * <p>One listener at a time: a request is in at most one run at a time, and the scheduler running it is the
 * only one listening. Thread-safe and lock-free.
 */
public final class Cancellation {
  /** Never cancelled; listeners are ignored. Shared by requests that have no client to lose. */
  public static final Cancellation NONE = new Cancellation(false);

  private static final Runnable CANCELLED = () -> { };

  private final boolean cancellable;
  // null: waiting, no listener; CANCELLED: cancelled (terminal); anything else: the listener to run on cancel
  private final AtomicReference<Runnable> state = new AtomicReference<>();

  /** A signal the transport will {@link #cancel()} if the client goes away. */
  public Cancellation() {
    this(true);
  }

  private Cancellation(boolean cancellable) {
    this.cancellable = cancellable;
  }

  /** Marks the request cancelled and runs the listener, if any, on this thread. Idempotent. */
  public void cancel() {
    if (!cancellable) {
      return;
    }
    Runnable listener = state.getAndSet(CANCELLED);
    if (listener != null && listener != CANCELLED) {
      listener.run();
    }
  }

  /** Whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return state.get() == CANCELLED;
  }

  /**
   * Runs {@code listener} once when the request is cancelled: on the cancelling thread, or at once on this
   * thread when it already was. Replaces an earlier listener.
   */
  void onCancel(Runnable listener) {
    if (!cancellable) {
      return;
    }
    while (true) {
      Runnable current = state.get();
      if (current == CANCELLED) {
        listener.run();
        return;
      }
      if (state.compareAndSet(current, listener)) {
        return;
      }
    }
  }

  /** Removes {@code listener} if it is still the one waiting; a cancellation afterwards does not run it. */
  void removeListener(Runnable listener) {
    if (cancellable) {
      state.compareAndSet(listener, null);
    }
  }
}
