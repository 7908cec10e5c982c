package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HARDENING.md D: a load that hangs makes that version UNAVAILABLE with a reason once the load timeout passes,
 * other models load meanwhile, and what the hung load produces when it finally returns is closed, never served.
 * Hung loads do not pile up threads: a version whose earlier load still hangs is not loaded again until that load
 * ends, and beyond a few hung loads per reconciler every load fails at once.
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
  @Test
  void aVersionWhoseLoadStillHangsIsNotLoadedAgainUntilThatLoadEnds() throws Exception {
    SampleRepository.write(repository);
    VersionLoader real = new VersionLoader(RuntimeOptions.defaults());
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    AtomicReference<ModelVersion> late = new AtomicReference<>();
    VersionReconciler.Loader hangingOnce = (source, version) -> {
      if (attempts.incrementAndGet() == 1) {
        waitFor(release);
        ModelVersion loaded = real.load(source, version);
        late.set(loaded);
        return loaded;
      }
      return real.load(source, version);
    };
    VersionReconciler reconciler = new VersionReconciler(new ModelRepository(repository), hangingOnce, 1000);

    assertThat(reconciler.reconcile(SampleRepository.LOOKUP, null).status().reason())
        .isEqualTo("version 1 did not load within 1000 ms");
    for (int reconcile = 0; reconcile < 3; reconcile++) {
      VersionReconciler.Outcome again = reconciler.reconcile(SampleRepository.LOOKUP, null);
      assertThat(again.status().state()).isEqualTo(ModelState.UNAVAILABLE);
      assertThat(again.status().reason())
          .isEqualTo("version 1: an earlier load is still running (it exceeded the load timeout of 1000 ms)");
    }
    assertThat(attempts).as("loads started").hasValue(1);

    // the hung load ends (its late result is closed): the next reconcile loads
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> late.get() != null && late.get().closed().isDone());
    VersionReconciler.Outcome loaded = reconciler.reconcile(SampleRepository.LOOKUP, null);
    assertThat(loaded.status().state()).isEqualTo(ModelState.READY);
    assertThat(attempts).hasValue(2);
    loaded.status().versions().values().forEach(ModelVersion::close);
  }

  @Test
  void atMostAFewHungLoadsRunAtOnceAndLoadsBeyondFailAtOnce() throws Exception {
    int models = VersionReconciler.MAX_HUNG_LOADS + 2;
    for (int model = 0; model < models; model++) {
      TestModels.writeModel(repository, "m" + model, 1, TestModels.tagged(model));
    }
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    VersionReconciler.Loader hanging = (source, version) -> {
      attempts.incrementAndGet();
      running.incrementAndGet();
      try {
        waitFor(release);
        throw new ModelLoadException("version " + version + ": released");
      } finally {
        running.decrementAndGet();
      }
    };
    VersionReconciler reconciler = new VersionReconciler(new ModelRepository(repository), hanging, 200);

    for (int model = 0; model < VersionReconciler.MAX_HUNG_LOADS; model++) {
      assertThat(reconciler.reconcile("m" + model, null).status().reason())
          .isEqualTo("version 1 did not load within 200 ms");
    }
    for (int model = VersionReconciler.MAX_HUNG_LOADS; model < models; model++) {
      VersionReconciler.Outcome refused = reconciler.reconcile("m" + model, null);
      assertThat(refused.status().state()).isEqualTo(ModelState.UNAVAILABLE);
      int max = VersionReconciler.MAX_HUNG_LOADS;
      assertThat(refused.status().reason()).isEqualTo("version 1: not loaded while " + max + " earlier loads that"
          + " exceeded the load timeout of 200 ms are still running (at most " + max + " may hang at once)");
    }
    assertThat(attempts).as("loads started").hasValue(VersionReconciler.MAX_HUNG_LOADS);
    assertThat(running).as("load threads hanging").hasValue(VersionReconciler.MAX_HUNG_LOADS);

    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> running.get() == 0);
    // the hung loads ended: loads start again (and this one fails for its own reason)
    await().atMost(Duration.ofSeconds(30)).until(
        () -> reconciler.reconcile("m" + (models - 1), null).status().reason().equals("version 1: released"));
    assertThat(attempts).hasValue(VersionReconciler.MAX_HUNG_LOADS + 1);
  }

  @Test
  void aModelWhoseUploadsKeepHangingTakesAtMostItsShareOfTheBound() throws Exception {
    TestModels.writeModel(repository, "other", 1, TestModels.tagged(100));
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    VersionLoader real = new VersionLoader(RuntimeOptions.defaults());
    VersionReconciler.Loader hangingForBad = (source, version) -> {
      if (!source.name().equals("bad")) {
        return real.load(source, version);
      }
      attempts.incrementAndGet();
      waitFor(release);
      throw new ModelLoadException("version " + version + ": released");
    };
    VersionReconciler reconciler = new VersionReconciler(new ModelRepository(repository), hangingForBad, 200);

    // each upload brings new files, so it is not the same load as the one still hanging
    for (int upload = 0; upload < VersionReconciler.MAX_HUNG_LOADS_PER_MODEL; upload++) {
      TestModels.writeModel(repository, "bad", 1, TestModels.tagged(upload));
      assertThat(reconciler.reconcile("bad", null).status().reason())
          .isEqualTo("version 1 did not load within 200 ms");
    }
    TestModels.writeModel(repository, "bad", 1, TestModels.tagged(50));
    assertThat(reconciler.reconcile("bad", null).status().reason()).startsWith("version 1: not loaded while "
        + VersionReconciler.MAX_HUNG_LOADS_PER_MODEL + " earlier loads of this model");
    assertThat(attempts).hasValue(VersionReconciler.MAX_HUNG_LOADS_PER_MODEL);
    // the other models still load
    VersionReconciler.Outcome other = reconciler.reconcile("other", null);
    assertThat(other.status().state()).isEqualTo(ModelState.READY);
    other.status().versions().values().forEach(ModelVersion::close);
    release.countDown();
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
