package io.sluice.runtime.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.runtime.exec.DirectScheduler;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.ModelExecutor;
import io.sluice.runtime.exec.RunGuard;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.tensor.OrtTensors;
import io.sluice.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs validated inputs on an ONNX Runtime session: wraps the input buffers (no copy), calls {@code run} with
 * the outputs whose shapes are known preallocated ({@link PinnedOutputs}: ONNX Runtime writes them in place),
 * copies the others, and times the phases. A pinned run that fails is run again unpinned a bounded number of
 * times per version, to find models whose outputs contradict their declared shapes ({@link #retryUnpinned}).
 * As a {@link DirectScheduler.Runner} it serves one request per run and records its statistics; {@link #execute}
 * records none (the warm-up runs through it). Called on scheduler workers; the session is thread-safe.
 *
 * <p>Stopping runs: a run whose {@link RunGuard} can stop it gets an {@link OrtSession.RunOptions} from a small
 * pool (one per concurrent run, reused, so no native object is created per request); the guard's stop action
 * sets the options' terminate flag, which ONNX Runtime checks between graph nodes, and the flag is cleared
 * before the options go back to the pool, so a stopped run never affects the next one. Runs nobody can cancel
 * run without options. {@link #close()} releases the pool once no run is in progress.
 */
final class OnnxRunner implements DirectScheduler.Runner, ModelExecutor, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(OnnxRunner.class.getName());
  /**
   * Per version, how many failed pinned runs are run again unpinned and fail again (the request was at fault)
   * before pinned failures go to the caller without a second run.
   */
  static final int INCONCLUSIVE_RETRIES = 3;
  /**
   * Successful pinned runs that give back one unit of the retry budget (up to {@link #INCONCLUSIVE_RETRIES}): failed
   * requests can make at most one extra run per this many good ones, and a model that breaks its declared shapes
   * only on some inputs is still found out later.
   */
  static final int RUNS_PER_REFILL = 1000;

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String modelName;
  private final String version;
  private final List<String> allOutputs;
  private final Set<String> allOutputsSet;
  private final boolean batched;
  private final VersionStatistics statistics;
  /** The outputs runs preallocate ({@link PinnedOutputs#pinnable}). */
  private final List<TensorSpec> pinnable;
  // False when no output can be pinned, or for good once a model contradicted its declared output shapes.
  private volatile boolean pinning;
  // Unpinned retries still allowed after failed pinned runs (retryUnpinned): each retry takes one.
  private final AtomicInteger retriesLeft = new AtomicInteger(INCONCLUSIVE_RETRIES);
  private final AtomicLong unpinnedRetries = new AtomicLong();
  // Runs with pinned outputs that succeeded (more than none: the declared shapes held at least once).
  private final AtomicLong pinnedSuccesses = new AtomicLong();
  private final ArrayBlockingQueue<Terminator> terminators;
  private volatile boolean closed;

  /** A reusable run options object and the action that stops the run using it. */
  private final class Terminator implements Runnable {
    final OrtSession.RunOptions options;
    private volatile boolean set;

    Terminator() throws OrtException {
      this.options = new OrtSession.RunOptions();
    }

    /** The guard's stop action: runs on the thread that cancelled the last request. */
    @Override
    public void run() {
      try {
        options.setTerminate(true);
        set = true;
      } catch (OrtException e) {
        LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: could not stop a run: {2}", modelName,
            version, e.getMessage());
      }
    }

    /** Clears the terminate flag for the next run; false when the options cannot be reused. */
    boolean reset() {
      if (!set) {
        return true;
      }
      try {
        options.setTerminate(false);
        set = false;
        return true;
      } catch (OrtException e) {
        return false;
      }
    }
  }

  /**
   * @param concurrency how many runs may be in progress at once (the pool keeps that many run options)
   */
  OnnxRunner(OrtEnvironment environment, OrtSession session, String modelName, String version,
      ModelSignature signature, VersionStatistics statistics, int concurrency) {
    this.environment = environment;
    this.session = session;
    this.modelName = modelName;
    this.version = version;
    this.allOutputs = signature.outputNames();
    this.allOutputsSet = new LinkedHashSet<>(allOutputs);
    this.batched = signature.maxBatchSize() > 0;
    this.statistics = statistics;
    this.pinnable = PinnedOutputs.pinnable(signature);
    this.pinning = !pinnable.isEmpty();
    this.terminators = new ArrayBlockingQueue<>(Math.max(1, concurrency));
  }

  @Override
  public List<String> outputNames() {
    return allOutputs;
  }

  @Override
  public Execution execute(List<Tensor> inputs, List<String> outputNames, RunGuard guard) {
    long start = System.nanoTime();
    Map<String, OnnxTensor> feeds = new HashMap<>(inputs.size() * 2);
    Terminator terminator = null;
    try {
      for (Tensor input : inputs) {
        feeds.put(input.name(), OrtTensors.toOnnx(environment, input));
      }
      long inputDone = System.nanoTime();
      if (guard != RunGuard.NONE) {
        terminator = borrow();
        guard.start(terminator);
      }
      if (pinning) {
        try (PinnedOutputs pinned = PinnedOutputs.allocate(environment, pinnable, inputs, outputNames)) {
          Execution execution = run(feeds, outputNames, pinned, terminator, start, inputDone);
          if (pinnedSuccesses.incrementAndGet() % RUNS_PER_REFILL == 0) {
            retriesLeft.updateAndGet(left -> Math.min(INCONCLUSIVE_RETRIES, left + 1));
          }
          return execution;
        } catch (OrtException e) {
          if (terminator != null && guard.stopped()) {
            throw e;
          }
          return retryUnpinned(feeds, outputNames, terminator, start, inputDone, e);
        }
      }
      return run(feeds, outputNames, PinnedOutputs.NONE, terminator, start, inputDone);
    } catch (OrtException e) {
      if (terminator != null) {
        guard.finish();
        if (guard.stopped()) {
          throw InferenceException.unavailable("model '" + modelName + "' version " + version
              + ": the run was stopped because its callers went away");
        }
      }
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: run failed: {2}", modelName, version,
          e.getMessage());
      throw InferenceException.internal(
          "model '" + modelName + "' version " + version + " failed to run the request");
    } finally {
      if (terminator != null) {
        // finish() before reset(): the stop action cannot run any more, so the cleared flag stays cleared
        guard.finish();
        giveBack(terminator);
      }
      for (OnnxTensor feed : feeds.values()) {
        feed.close();
      }
    }
  }

  /**
   * After a run with pinned outputs failed, runs the request again with ONNX Runtime allocating the outputs, while
   * the retry budget lasts. A retry that works shows that the model's outputs contradict their declared shapes:
   * this version stops pinning for good. A retry that fails too was inconclusive (the request was at fault, as
   * it would have been without pinning). Every retry takes one unit of the budget, and one that works ends
   * pinning, so the budget runs out only on inconclusive retries (or retries stopped because their callers
   * left); once it is spent, pinned failures go to the caller without a second run, so a client cannot make
   * every failing request cost two runs.
   *
   * <p>Why this cannot fail a good request of a correct model: when a model's outputs match their declared
   * shapes, a pinned run fails exactly when an unpinned one would, so skipping the retry changes no answer.
   * For a model that does contradict its shapes, the budget can only run out on requests that failed both ways;
   * if none of its pinned runs has succeeded by then (the declared shapes never held), pinning stops then, so
   * requests spending the budget first cannot leave such a model failing every later good request. What stays
   * possible is a model that holds its declared shapes on some requests and breaks them on others, after the
   * budget was spent: those requests fail, as its declaration says they should not exist.
   *
   * @param pinnedFailure the pinned run's failure, thrown as the request's when the budget is spent
   */
  private Execution retryUnpinned(Map<String, OnnxTensor> feeds, List<String> outputNames, Terminator terminator,
      long start, long inputDone, OrtException pinnedFailure) throws OrtException {
    // the units left after taking one, or -1 when none was left
    int left = retriesLeft.getAndUpdate(units -> Math.max(0, units - 1)) - 1;
    if (left < 0) {
      // a retry that ended without a verdict (stopped, or failing outside ONNX Runtime) may have spent the last unit
      stopPinningIfItNeverWorked();
      throw pinnedFailure;
    }
    unpinnedRetries.incrementAndGet();
    Execution unpinned;
    try {
      unpinned = run(feeds, outputNames, PinnedOutputs.NONE, terminator, start, inputDone);
    } catch (OrtException e) {
      if (left == 0) {
        stopPinningIfItNeverWorked();
      }
      throw e;
    }
    pinning = false;
    LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: run with preallocated outputs failed ({2});"
        + " outputs are copied from now on", modelName, version, pinnedFailure.getMessage());
    return unpinned;
  }

  /**
   * Once the retry budget is spent: a version none of whose pinned runs ever succeeded stops pinning, since its
   * declared shapes may be what fails (copying outputs costs speed, never answers).
   */
  private void stopPinningIfItNeverWorked() {
    if (pinnedSuccesses.get() == 0 && pinning) {
      pinning = false;
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: runs with preallocated outputs failed {2} times"
          + " and never succeeded; outputs are copied from now on", modelName, version, INCONCLUSIVE_RETRIES);
    }
  }

  /** One {@code session.run}: pinned outputs are written in place, the others copied out of ONNX Runtime. */
  private Execution run(Map<String, OnnxTensor> feeds, List<String> outputNames, PinnedOutputs pinned,
      Terminator terminator, long start, long inputDone) throws OrtException {
    Set<String> wanted = pinned.isEmpty() && outputNames == allOutputs ? allOutputsSet
        : unpinned(outputNames, pinned);
    OrtSession.RunOptions options = terminator == null ? null : terminator.options;
    try (OrtSession.Result result = options == null ? session.run(feeds, wanted, pinned.values())
        : session.run(feeds, wanted, pinned.values(), options)) {
      long inferDone = System.nanoTime();
      List<Tensor> outputs = new ArrayList<>(outputNames.size());
      for (String name : outputNames) {
        Tensor pinnedOutput = pinned.tensor(name);
        if (pinnedOutput != null) {
          outputs.add(pinnedOutput);
          continue;
        }
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty()) {
          throw InferenceException.internal("model '" + modelName + "' produced no output '" + name + "'");
        }
        outputs.add(OrtTensors.fromOnnx(name, value.get()));
      }
      long outputDone = System.nanoTime();
      return new Execution(outputs, inputDone - start, inferDone - inputDone, outputDone - inferDone);
    }
  }

  /** The outputs ONNX Runtime allocates: those of {@code outputNames} not pinned (often none: no set then). */
  private static Set<String> unpinned(List<String> outputNames, PinnedOutputs pinned) {
    Set<String> wanted = Set.of();
    for (String name : outputNames) {
      if (!pinned.contains(name)) {
        if (wanted.isEmpty()) {
          wanted = new LinkedHashSet<>(outputNames.size() * 2);
        }
        wanted.add(name);
      }
    }
    return wanted;
  }

  /** Whether runs still preallocate the outputs whose shapes are known (false after a model contradicted them). */
  boolean pinsOutputs() {
    return pinning;
  }

  /** How many requests were run a second time without pinned outputs after a pinned run failed. */
  long unpinnedRetries() {
    return unpinnedRetries.get();
  }

  private Terminator borrow() throws OrtException {
    Terminator terminator = terminators.poll();
    return terminator != null ? terminator : new Terminator();
  }

  private void giveBack(Terminator terminator) {
    if (closed || !terminator.reset() || !terminators.offer(terminator)) {
      terminator.options.close();
    } else if (closed && terminators.remove(terminator)) {
      // close() drained the pool between the check and the offer
      terminator.options.close();
    }
  }

  /** Releases the pooled run options; call once no run is in progress (after the scheduler terminated). */
  @Override
  public void close() {
    closed = true;
    Terminator terminator;
    while ((terminator = terminators.poll()) != null) {
      terminator.options.close();
    }
  }

  @Override
  public InferenceResponse run(InferenceRequest request, long admittedNanos) {
    long start = System.nanoTime();
    RunGuard guard = RunGuard.of(request.cancellation());
    try {
      List<String> outputNames = request.outputs().isEmpty() ? allOutputs : request.outputs();
      Execution execution = execute(request.inputs(), outputNames, guard);
      long done = System.nanoTime();
      statistics.recordExecution(samples(request), execution.inputNanos(), execution.inferNanos(),
          execution.outputNanos());
      statistics.recordSuccess(done - request.receivedNanos(), start - admittedNanos, execution.inputNanos(),
          execution.inferNanos(), execution.outputNanos(), System.currentTimeMillis());
      return new InferenceResponse(modelName, version, request.id(), execution.outputs());
    } catch (RuntimeException e) {
      if (guard.stopped()) {
        // the client is gone: fail with its own reason, counted by the dispatcher like requests dropped unrun
        InferenceException abandoned = request.abandoned(System.nanoTime());
        throw abandoned != null ? abandoned : e;
      }
      statistics.recordFailure(System.nanoTime() - request.receivedNanos());
      throw e;
    }
  }

  /** Samples in a request: its batch dimension for batching models, else 1. */
  private int samples(InferenceRequest request) {
    if (!batched || request.inputs().isEmpty() || request.inputs().get(0).rank() == 0) {
      return 1;
    }
    return (int) Math.max(1, request.inputs().get(0).dim(0));
  }
}
