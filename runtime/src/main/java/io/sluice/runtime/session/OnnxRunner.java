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
 * Runs one validated request on an ONNX Runtime session: wraps the input buffers, calls {@code run}, copies
 * the outputs, and records the phase timings. Called on scheduler workers; the session is thread-safe.
 */
final class OnnxRunner implements DirectScheduler.Runner {
  private static final System.Logger LOG = System.getLogger(OnnxRunner.class.getName());

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String modelName;
  private final String version;
  private final List<String> allOutputs;
  private final Set<String> allOutputsSet;
  private final VersionStatistics statistics;

  OnnxRunner(OrtEnvironment environment, OrtSession session, String modelName, String version,
      ModelSignature signature, VersionStatistics statistics) {
    this.environment = environment;
    this.session = session;
    this.modelName = modelName;
    this.version = version;
    this.allOutputs = signature.outputNames();
    this.allOutputsSet = new LinkedHashSet<>(allOutputs);
    this.statistics = statistics;
  }

  @Override
  public InferenceResponse run(InferenceRequest request, long admittedNanos) {
    long start = System.nanoTime();
    List<Tensor> inputs = request.inputs();
    Map<String, OnnxTensor> feeds = new HashMap<>(inputs.size() * 2);
    try {
      for (Tensor input : inputs) {
        feeds.put(input.name(), OrtTensors.toOnnx(environment, input));
      }
      long inputDone = System.nanoTime();
      List<String> outputNames = request.outputs().isEmpty() ? allOutputs : request.outputs();
      Set<String> wanted = request.outputs().isEmpty() ? allOutputsSet : new LinkedHashSet<>(outputNames);
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
        statistics.recordSuccess(outputDone - request.receivedNanos(), start - admittedNanos,
            inputDone - start, inferDone - inputDone, outputDone - inferDone, System.currentTimeMillis());
        return new InferenceResponse(modelName, version, request.id(), outputs);
      }
    } catch (OrtException e) {
      statistics.recordFailure(System.nanoTime() - request.receivedNanos());
      LOG.log(System.Logger.Level.WARNING, "model {0} version {1}: run failed: {2}", modelName, version,
          e.getMessage());
      throw InferenceException.internal(
          "model '" + modelName + "' version " + version + " failed to run the request");
    } catch (RuntimeException e) {
      statistics.recordFailure(System.nanoTime() - request.receivedNanos());
      throw e;
    } finally {
      for (OnnxTensor feed : feeds.values()) {
        feed.close();
      }
    }
  }
}
