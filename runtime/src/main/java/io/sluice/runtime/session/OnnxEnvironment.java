package io.sluice.runtime.session;

import ai.onnxruntime.OrtEnvironment;

/**
 * The process's ONNX Runtime environment, initialized once on a thread with an 8 MiB stack: the native
 * initialization of ONNX Runtime 1.29's Java binding can overflow a default 1 MiB thread stack (it crashes the
 * JVM with SIGSEGV, observed when {@code java.class.path} is long). Later sessions load and run on ordinary
 * threads.
 */
public final class OnnxEnvironment {
  private static volatile OrtEnvironment environment;

  private OnnxEnvironment() {}

  /** The shared environment. */
  public static OrtEnvironment get() {
    OrtEnvironment current = environment;
    if (current != null) {
      return current;
    }
    synchronized (OnnxEnvironment.class) {
      if (environment == null) {
        OrtEnvironment[] created = new OrtEnvironment[1];
        Throwable[] failure = new Throwable[1];
        Thread init = new Thread(null, () -> {
          try {
            created[0] = OrtEnvironment.getEnvironment();
          } catch (Throwable e) {
            failure[0] = e;
          }
        }, "sluice-onnxruntime-init", 8L << 20);
        init.start();
        try {
          init.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while initializing ONNX Runtime", e);
        }
        if (failure[0] != null) {
          throw new IllegalStateException("ONNX Runtime could not be initialized", failure[0]);
        }
        environment = created[0];
      }
      return environment;
    }
  }
}
