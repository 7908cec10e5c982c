package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md D: a load that hangs makes that version UNAVAILABLE with a reason once the load timeout passes,
 * other models load meanwhile, and what the hung load produces when it finally returns is closed, never served.
 */
class LoadTimeoutTest {
  @TempDir
  Path repository;

  @Test
  void aHangingLoadFailsItsVersionAfterTheTimeoutAndItsLateResultIsClosed() throws Exception {
    SampleRepository.write(repository);
    ModelRepository models = new ModelRepository(repository);
    VersionLoader real = new VersionLoader(RuntimeOptions.defaults());
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<ModelVersion> late = new AtomicReference<>();
    VersionReconciler.Loader hanging = (source, version) -> {
      if (!source.name().equals(SampleRepository.LOOKUP)) {
        return real.load(source, version);
      }
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ModelVersion loaded = real.load(source, version);
      late.set(loaded);
      return loaded;
    };
    VersionReconciler reconciler = new VersionReconciler(models, hanging, 300);

    VersionReconciler.Outcome hung = reconciler.reconcile(SampleRepository.LOOKUP, null);
    assertThat(hung.status().state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(hung.status().reason()).isEqualTo("version 1 did not load within 300 ms");
    assertThat(hung.status().versions()).isEmpty();

    VersionReconciler.Outcome other = reconciler.reconcile(SampleRepository.CLASSIFIER, null);
    assertThat(other.status().state()).isEqualTo(ModelState.READY);
    other.status().versions().values().forEach(ModelVersion::close);

    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> late.get() != null && late.get().closed().isDone());
  }
}
