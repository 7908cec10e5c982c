package io.sluice.benchmarks.baseline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where an echo server produces its answers: on the event loop that read the request, or handed to one worker
 * thread (a thread pool over an {@link ArrayBlockingQueue}, as Sluice's direct scheduler has) whose answer the
 * transport then hands back to the event loop. The second measures what the two hand-offs cost on their own, without
 * a model or any gateway work.
 */
final class AnswerThread implements Executor, AutoCloseable {
  private final ThreadPoolExecutor worker;

  private AnswerThread(ThreadPoolExecutor worker) {
    this.worker = worker;
  }

  /** Answers on one worker thread named {@code name} when {@code handOff}, else on the calling event loop. */
  static AnswerThread of(boolean handOff, String name) {
    if (!handOff) {
      return new AnswerThread(null);
    }
    return new AnswerThread(new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
        task -> {
          Thread thread = new Thread(task, name);
          thread.setDaemon(true);
          return thread;
        }));
  }

  @Override
  public void execute(Runnable answer) {
    if (worker == null) {
      answer.run();
    } else {
      worker.execute(answer);
    }
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.shutdownNow();
    }
  }
}
