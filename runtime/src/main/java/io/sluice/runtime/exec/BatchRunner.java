package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one batch formed by the {@link DynamicBatchScheduler}: concatenates the members' inputs, runs the model
 * once, slices the outputs back per member and records the statistics. If the batched run fails, the members
 * run one by one so that one bad request cannot fail the others. A run whose every member was cancelled is
 * stopped through its {@link RunGuard}; its members fail with their own cancellation (counted by the
 * dispatcher, as requests refused unrun are).
 *
 * <p>Never throws and never completes a future: it records each member's outcome
 * ({@link Pending#succeeded}/{@link Pending#failed}) for the worker to deliver once it has given its
 * execution slot back. Called on worker threads; stateless apart from its collaborators.
 */
final class BatchRunner {
  private final String modelName;
  private final String version;
  private final ModelExecutor executor;
  private final VersionStatistics statistics;
  // Each worker's buffer for concatenated inputs; a batch's inputs are dead once its run returned.
  private final ThreadLocal<BatchAssembler.Scratch> scratch = ThreadLocal.withInitial(BatchAssembler.Scratch::new);

  BatchRunner(String modelName, String version, ModelExecutor executor, VersionStatistics statistics) {
    this.modelName = modelName;
    this.version = version;
    this.executor = executor;
    this.statistics = statistics;
  }

  void run(List<Pending> members) {
    if (members.size() == 1) {
      runAlone(members.get(0));
      return;
    }
    long start = System.nanoTime();
    List<InferenceRequest> requests = new ArrayList<>(members.size());
    for (Pending member : members) {
      requests.add(member.request);
    }
    List<String> outputNames = unionOfOutputs(requests);
    List<List<Tensor>> perMember = new ArrayList<>(members.size());
    RunGuard guard = guard(members);
    ModelExecutor.Execution execution;
    long totalRows = 0;
    for (Pending member : members) {
      totalRows += member.samples();
    }
    try {
      execution = executor.execute(BatchAssembler.concatenate(requests, scratch.get()), outputNames, guard);
      long firstRow = 0;
      for (Pending member : members) {
        perMember.add(select(BatchAssembler.slice(execution.outputs(), totalRows, firstRow, member.rows),
            outputNames, member.request.outputs()));
        firstRow += member.rows;
      }
    } catch (RuntimeException batchFailure) {
      if (guard.stopped()) {
        for (Pending member : members) {
          member.failed(stopped(member));
        }
        return;
      }
      // isolate: one bad member must not fail its batch-mates
      for (Pending member : members) {
        runAlone(member);
      }
      return;
    }
    statistics.recordExecution((int) totalRows, execution.inputNanos(), execution.inferNanos(),
        execution.outputNanos());
    long done = System.nanoTime();
    long millis = System.currentTimeMillis();
    for (int i = 0; i < members.size(); i++) {
      Pending member = members.get(i);
      statistics.recordSuccess(done - member.request.receivedNanos(), start - member.admittedNanos,
          execution.inputNanos(), execution.inferNanos(), execution.outputNanos(), millis);
      member.succeeded(new InferenceResponse(modelName, version, member.request.id(), perMember.get(i)));
    }
  }

  private void runAlone(Pending member) {
    long start = System.nanoTime();
    InferenceException abandoned = member.request.abandoned(start);
    if (abandoned != null) {
      member.failed(abandoned);
      return;
    }
    RunGuard guard = RunGuard.of(member.request.cancellation());
    try {
      List<String> outputNames = member.request.outputs().isEmpty() ? executor.outputNames()
          : member.request.outputs();
      ModelExecutor.Execution execution = executor.execute(member.request.inputs(), outputNames, guard);
      long done = System.nanoTime();
      statistics.recordExecution((int) member.samples(), execution.inputNanos(), execution.inferNanos(),
          execution.outputNanos());
      statistics.recordSuccess(done - member.request.receivedNanos(), start - member.admittedNanos,
          execution.inputNanos(), execution.inferNanos(), execution.outputNanos(), System.currentTimeMillis());
      member.succeeded(new InferenceResponse(modelName, version, member.request.id(), execution.outputs()));
    } catch (RuntimeException e) {
      if (guard.stopped()) {
        member.failed(stopped(member));
        return;
      }
      statistics.recordFailure(System.nanoTime() - member.request.receivedNanos());
      member.failed(e);
    }
  }

  /** Stops the run when all members are cancelled; never when one of them cannot be. */
  private static RunGuard guard(List<Pending> members) {
    Cancellation[] cancellations = new Cancellation[members.size()];
    for (int i = 0; i < cancellations.length; i++) {
      cancellations[i] = members.get(i).request.cancellation();
    }
    return RunGuard.of(cancellations);
  }

  /** The failure of a member whose run was stopped because its client (and every batch-mate's) went away. */
  static InferenceException stopped(Pending member) {
    InferenceException abandoned = member.request.abandoned(System.nanoTime());
    return abandoned != null ? abandoned : InferenceException.unavailable("the request was cancelled by the client");
  }

  /** The outputs any member asked for, in the model's order (all of them if one member asked for all). */
  private List<String> unionOfOutputs(List<InferenceRequest> requests) {
    List<String> all = executor.outputNames();
    List<String> union = new ArrayList<>(all.size());
    for (String name : all) {
      for (InferenceRequest request : requests) {
        if (request.outputs().isEmpty() || request.outputs().contains(name)) {
          union.add(name);
          break;
        }
      }
    }
    return union;
  }

  /** {@code requested} (in request order; empty = all) picked from {@code outputs} named {@code names}. */
  private static List<Tensor> select(List<Tensor> outputs, List<String> names, List<String> requested) {
    if (requested.isEmpty() && outputs.size() == names.size()) {
      return outputs;
    }
    List<Tensor> picked = new ArrayList<>(requested.size());
    for (String name : requested) {
      picked.add(outputs.get(names.indexOf(name)));
    }
    return picked;
  }
}
