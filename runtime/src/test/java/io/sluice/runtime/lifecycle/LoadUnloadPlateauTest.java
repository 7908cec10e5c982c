package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md F: repeated load, serve, unload cycles leave no threads, file descriptors or native memory
 * behind: after a warm-up, 40 more cycles keep thread and descriptor counts flat and resident memory within a
 * small allowance (ONNX Runtime sessions hold native memory that a leak would multiply by 40).
 */
class LoadUnloadPlateauTest {
  private static final String MODEL = SampleRepository.CLASSIFIER;

  @TempDir
  Path repository;

  private ModelManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close(5000);
    }
  }

  @Test
  void threadsDescriptorsAndMemoryPlateauOverLoadUnloadCycles() throws Exception {
    SampleRepository.write(repository);
    manager = new ModelManager(new ModelRepository(repository), new VersionLoader(RuntimeOptions.defaults()),
        new LifecycleOptions(ControlMode.EXPLICIT, Set.of(), 60_000, false, 5_000));
    manager.start();
    cycles(10);
    System.gc();
    int threads = threads();
    long descriptors = descriptors();
    long resident = residentBytes();

    cycles(40);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(threads()).as("threads").isLessThanOrEqualTo(threads + 2);
      assertThat(descriptors()).as("file descriptors").isLessThanOrEqualTo(descriptors + 4);
    });
    System.gc();
    assertThat(residentBytes() - resident).as("resident memory growth (bytes)").isLessThan(64L << 20);
  }

  private void cycles(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      manager.load(MODEL).get(30, TimeUnit.SECONDS);
      ModelVersion version = manager.acquire(MODEL, "");
      try {
        InferenceRequest request = new InferenceRequest(MODEL, "", "c" + i,
            List.of(Tensors.ofFloats("features", new long[] {1, 4}, new float[] {0.5f, -1f, 2f, 0.25f})),
            List.of(), System.nanoTime());
        assertThat(version.submit(request).get(10, TimeUnit.SECONDS).outputs()).hasSize(1);
      } finally {
        version.release();
      }
      manager.unload(MODEL).get(30, TimeUnit.SECONDS);
      version.closed().get(30, TimeUnit.SECONDS);
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long descriptors() throws IOException {
    try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
      return open.count();
    }
  }

  private static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        String kilobytes = line.substring(6).trim();
        return Long.parseLong(kilobytes.substring(0, kilobytes.indexOf(' '))) * 1024;
      }
    }
    throw new IOException("no VmRSS");
  }
}
