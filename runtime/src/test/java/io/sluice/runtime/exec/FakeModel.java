package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model {@code y = 2x} (FP32, any shape) and {@code label = "r" + rows} (BYTES, one per row) that records
 * the batch sizes it ran, fails any batch holding a negative value, and can be held closed by a gate.
 */
final class FakeModel implements ModelExecutor {
  final List<Long> batches = new CopyOnWriteArrayList<>();
  volatile CountDownLatch gate = new CountDownLatch(0);
  final AtomicInteger entered = new AtomicInteger();
  final AtomicInteger stops = new AtomicInteger();
  /** The names of the threads that ran each batch, in order. */
  final List<String> threads = new CopyOnWriteArrayList<>();

  /** Runs once the gate opens; a stop from the guard opens it and fails the run, as ONNX Runtime does. */
  @Override
  public Execution execute(List<Tensor> inputs, List<String> outputNames, RunGuard guard) {
    entered.incrementAndGet();
    threads.add(Thread.currentThread().getName());
    CountDownLatch runGate = gate;
    AtomicBoolean stopped = new AtomicBoolean();
    guard.start(() -> {
      stops.incrementAndGet();
      stopped.set(true);
      runGate.countDown();
    });
    try {
      runGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      guard.finish();
    }
    if (stopped.get()) {
      throw InferenceException.unavailable("stopped");
    }
    Tensor x = inputs.get(0);
    float[] values = Tensors.toFloats(x);
    batches.add(x.dim(0));
    float[] doubled = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0) {
        throw InferenceException.internal("negative input");
      }
      doubled[i] = values[i] * 2;
    }
    String[] labels = new String[(int) x.dim(0)];
    for (int row = 0; row < labels.length; row++) {
      labels[row] = "r" + values[(int) (row * (values.length / x.dim(0)))];
    }
    List<Tensor> outputs = new ArrayList<>();
    for (String name : outputNames) {
      outputs.add(name.equals("y") ? Tensors.ofFloats("y", x.shape(), doubled)
          : Tensors.ofStrings("label", new long[] {x.dim(0)}, labels));
    }
    return new Execution(outputs, 1, 1, 1);
  }

  @Override
  public List<String> outputNames() {
    return List.of("y", "label");
  }

  /** A request of {@code rows x width} values counting up from {@code first}, id {@code "id" + first}. */
  static InferenceRequest request(float first, int rows, int width, String... outputs) {
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = first + i;
    }
    return new InferenceRequest("m", "", "id" + first, List.of(Tensors.ofFloats("x", new long[] {rows, width}, values)),
        List.of(outputs), System.nanoTime());
  }
}
