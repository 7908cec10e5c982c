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

/**
 * Runs validated inputs on an ONNX Runtime session: wraps the input buffers (no copy), calls {@code run},
 * copies the outputs, and times the phases. As a {@link DirectScheduler.Runner} it serves one request per run
 * and records its statistics. Called on scheduler workers; the session is thread-safe.
 */
final class OnnxRunner implements DirectScheduler.Runner, ModelExecutor {
  private static final System.Logger LOG = System.getLogger(OnnxRunner.class.getName());

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String modelName;
  private final String version;
  private final List<String> allOutputs;
  private final Set<String> allOutputsSet;
  private final boolean batched;
  private final VersionStatistics statistics;

  OnnxRunner(OrtEnvironment environment, OrtSession session, String modelName, String version,
      ModelSignature signature, VersionStatistics statistics) {
    this.environment = environment;
    this.session = session;
    this.modelName = modelName;
    this.version = version;
    this.allOutputs = signature.outputNames();
    this.allOutputsSet = new LinkedHashSet<>(allOutputs);
    this.batched = signature.maxBatchSize() > 0;
    this.statistics = statistics;
  }

  @Override
  public List<String> outputNames() {
    return allOutputs;
  }

  @Override
  public Execution execute(List<Tensor> inputs, List<String> outputNames) {
    long start = System.nanoTime();
    Map<String, OnnxTensor> feeds = new HashMap<>(inputs.size() * 2);
    try {
      for (Tensor input : inputs) {
        feeds.put(input.name(), OrtTensors.toOnnx(environment, input));
      }
      long inputDone = System.nanoTime();
      Set<String> wanted = outputNames == allOutputs ? allOutputsSet : new LinkedHashSet<>(outputNames);
      try (OrtSession.Result result = session.run(feeds, wanted)) {
        long inferDone = System.nanoTime();
        List<Tensor> outputs = new ArrayList<>(outputNames.size());
        for (String name : outputNames) {
          Optional<OnnxValue> value = result.get(name);
          if (value.isEmpty()) {
            throw InferenceException.internal("model '" + modelName + "' produced no output '" + name + "'");
          }
          outputs.add(OrtTensors.fromOnnx(name, value.get()));
        }
        long outputDone = System.nanoTime();
        return new Execution(outputs, inputDone - start, inferDone - inputDone, outputDone - inferDone);
      }
    } catch (OrtException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: run failed: {2}", modelName, version,
          e.getMessage());
      throw InferenceException.internal(
          "model '" + modelName + "' version " + version + " failed to run the request");
    } finally {
      for (OnnxTensor feed : feeds.values()) {
        feed.close();
      }
    }
  }

  @Override
  public InferenceResponse run(InferenceRequest request, long admittedNanos) {
    long start = System.nanoTime();
    try {
      List<String> outputNames = request.outputs().isEmpty() ? allOutputs : request.outputs();
      Execution execution = execute(request.inputs(), outputNames);
      long done = System.nanoTime();
      statistics.recordExecution(samples(request), execution.inputNanos(), execution.inferNanos(),
          execution.outputNanos());
      statistics.recordSuccess(done - request.receivedNanos(), start - admittedNanos, execution.inputNanos(),
          execution.inferNanos(), execution.outputNanos(), System.currentTimeMillis());
      return new InferenceResponse(modelName, version, request.id(), execution.outputs());
    } catch (RuntimeException e) {
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
