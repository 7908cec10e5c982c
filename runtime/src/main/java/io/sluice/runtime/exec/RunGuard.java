package io.sluice.runtime.exec;

/**
 * Stops one model run once every request it serves has been cancelled (all its clients went away). The
 * scheduler creates one per run over the requests' {@link Cancellation}s and hands it to
 * {@link ModelExecutor#execute}; the executor calls {@link #start} right before the run with the action that
 * stops it, and {@link #finish} right after the run returned or failed.
 *
 * <p>The stop action runs at most once: on the thread that cancelled the last request, or inside
 * {@link #start} when every request was already cancelled; never after {@link #finish} returned, so an action
 * that flips state shared with later runs (ONNX Runtime's reusable run options) cannot reach a later run.
 * Thread-safe; one instance per run.
 */
public final class RunGuard {
  /** A guard that never stops its run: for requests nobody can cancel. */
  public static final RunGuard NONE = new RunGuard(new Cancellation[0]);

  private final Cancellation[] cancellations;
  private final Runnable cancelled = this::requestCancelled;
  private int waiting;
  private Runnable stop;
  private boolean running;
  private boolean stopped;

  /**
   * A guard over the requests of one run; it stops the run when all of them are cancelled. {@link #of} is the
   * one that also keeps a run going for a request nobody can cancel.
   */
  public RunGuard(Cancellation... cancellations) {
    this.cancellations = cancellations;
    this.waiting = cancellations.length;
  }

  /**
   * The guard of a run serving the requests of {@code cancellations}: {@link #NONE} when one of them is
   * {@link Cancellation#NONE} (a request nobody can cancel keeps the run going).
   */
  public static RunGuard of(Cancellation... cancellations) {
    for (Cancellation cancellation : cancellations) {
      if (cancellation == Cancellation.NONE) {
        return NONE;
      }
    }
    return new RunGuard(cancellations);
  }

  /** The run begins; {@code stopAction} stops it and must be quick and thread-safe. Called once. */
  public void start(Runnable stopAction) {
    if (cancellations.length == 0) {
      return;
    }
    synchronized (this) {
      stop = stopAction;
      running = true;
    }
    for (Cancellation cancellation : cancellations) {
      cancellation.onCancel(cancelled);
    }
  }

  /** The run is over (returned or failed); the stop action will not run after this returns. */
  public void finish() {
    if (cancellations.length == 0) {
      return;
    }
    synchronized (this) {
      running = false;
      stop = null;
    }
    for (Cancellation cancellation : cancellations) {
      cancellation.removeListener(cancelled);
    }
  }

  /** Whether the stop action ran: the run may have ended early and its outputs must not be trusted. */
  public synchronized boolean stopped() {
    return stopped;
  }

  /** Whether the run is between {@link #start} and {@link #finish} (for tests and diagnostics). */
  public synchronized boolean running() {
    return running;
  }

  /** One of the requests was cancelled: the listener registered by {@link #start}. */
  private void requestCancelled() {
    synchronized (this) {
      waiting--;
      if (waiting == 0 && running && !stopped) {
        stopped = true;
        stop.run();
      }
    }
  }
}
