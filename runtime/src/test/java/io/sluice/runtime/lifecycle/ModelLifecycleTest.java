package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelVersionPolicy;
import io.sluice.proto.config.ModelWarmup;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLifecycleTest {
  @TempDir
  Path repository;

  private ModelManager manager;

  private ModelManager start(ControlMode mode, Set<String> startup, boolean strict) throws Exception {
    manager = new ModelManager(new ModelRepository(repository), new VersionLoader(RuntimeOptions.defaults()),
        new LifecycleOptions(mode, startup, 60_000, strict, 5_000));
    manager.start();
    return manager;
  }

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close(1000);
    }
  }

  /** Runs x = [0] on the version serving {@code model} and returns the tag it adds. */
  private float tagOf(String model) throws Exception {
    ModelVersion version = manager.acquire(model, "");
    try {
      InferenceRequest request = new InferenceRequest(model, "", "", List.of(Tensors.ofFloats("x", new long[] {1}, 0f)),
          List.of(), System.nanoTime());
      return Tensors.toFloats(version.submit(request).get(10, TimeUnit.SECONDS).outputs().get(0))[0];
    } finally {
      version.release();
    }
  }

  private static ModelConfig policyAll() {
    return ModelConfig.newBuilder().setVersionPolicy(
        ModelVersionPolicy.newBuilder().setAll(ModelVersionPolicy.All.getDefaultInstance())).build();
  }

  @Test
  void defaultPolicyServesOnlyTheLatestVersion() throws Exception {
    TestModels.writeModel(repository, "m", 1, TestModels.tagged(1));
    TestModels.writeModel(repository, "m", 2, TestModels.tagged(2));
    start(ControlMode.NONE, Set.of(), true);
    assertThat(manager.status("m").versions().keySet()).containsExactly(2L);
    assertThat(tagOf("m")).isEqualTo(2f);
  }

  @Test
  void explicitModeLoadsOnlyNamedModelsAndTheApiLoadsAndUnloads() throws Exception {
    TestModels.writeModel(repository, "a", 1, TestModels.tagged(1));
    TestModels.writeModel(repository, "b", 1, TestModels.tagged(7));
    start(ControlMode.EXPLICIT, Set.of("a"), true);

    assertThat(manager.ready()).isTrue();
    assertThatThrownBy(() -> manager.status("b")).isInstanceOf(InferenceException.class);
    assertThat(manager.index(false)).contains(new IndexEntry("a", "1", "READY", ""),
        new IndexEntry("b", "", "UNAVAILABLE", "not loaded"));

    manager.load("b").get(30, TimeUnit.SECONDS);
    assertThat(tagOf("b")).isEqualTo(7f);
    assertThat(manager.index(true)).containsExactly(new IndexEntry("a", "1", "READY", ""),
        new IndexEntry("b", "1", "READY", ""));

    ModelVersion held = manager.acquire("b", "");
    CompletableFuture<Void> unloaded = manager.unload("b");
    await().atMost(Duration.ofSeconds(10)).until(() -> manager.status("b").state() == ModelState.UNLOADING);
    assertThat(unloaded).isNotDone();
    assertThatThrownBy(() -> manager.acquire("b", "")).isInstanceOfSatisfying(InferenceException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    held.release();
    unloaded.get(10, TimeUnit.SECONDS);
    assertThat(manager.status("b").state()).isEqualTo(ModelState.UNAVAILABLE);
    assertThat(manager.status("b").reason()).isEqualTo("unloaded");
  }

  @Test
  void loadRejectsUnknownAndTraversalNamesAndModesWithoutExplicitControl() throws Exception {
    TestModels.writeModel(repository, "a", 1, TestModels.tagged(1));
    start(ControlMode.EXPLICIT, Set.of(), true);
    for (String name : new String[] {"missing", "../a", "..", "a/../a", "%2e%2e"}) {
      assertThatThrownBy(() -> manager.load(name).get()).as(name).hasCauseInstanceOf(InferenceException.class)
          .cause().satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
    assertThatThrownBy(() -> manager.unload("missing").get()).hasCauseInstanceOf(InferenceException.class);
    manager.close(1000);

    start(ControlMode.NONE, Set.of(), true);
    assertThatThrownBy(() -> manager.load("a").get()).cause()
        .hasMessageContaining("not allowed in model control mode none");
  }

  @Test
  void aFailedReloadLeavesTheServingVersionAndReportsTheReason() throws Exception {
    TestModels.writeModel(repository, "m", 1, TestModels.tagged(1));
    start(ControlMode.EXPLICIT, Set.of("m"), true);
    ModelVersion before = manager.resolve("m", "");

    Files.write(repository.resolve("m/1/model.onnx"), new byte[] {1, 2, 3});
    Files.setLastModifiedTime(repository.resolve("m/1/model.onnx"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertThatThrownBy(() -> manager.load("m").get()).isInstanceOf(ExecutionException.class);

    assertThat(manager.resolve("m", "")).isSameAs(before);
    assertThat(manager.status("m").state()).isEqualTo(ModelState.READY);
    assertThat(manager.status("m").failedVersions()).containsKey(1L);
    assertThat(tagOf("m")).isEqualTo(1f);
  }

  @Test
  void aConfigNamingAnInputTheModelLacksFailsThatModelOnly() throws Exception {
    TestModels.writeModel(repository, "good", 1, TestModels.tagged(1));
    TestModels.writeModel(repository, "bad", 1, TestModels.tagged(1));
    Files.writeString(repository.resolve("bad/config.pbtxt"),
        "input [ { name: \"nope\" data_type: TYPE_FP32 dims: [ -1 ] } ]");
    Files.createDirectories(repository.resolve("good/not_a_number"));
    start(ControlMode.NONE, Set.of(), false);

    assertThat(manager.status("bad").reason()).contains("input 'nope' is not in the ONNX model");
    assertThat(manager.ready()).isTrue();
    assertThat(tagOf("good")).isEqualTo(1f);
  }

  @Test
  void strictReadinessWaitsForEveryStartupModel() throws Exception {
    TestModels.writeModel(repository, "good", 1, TestModels.tagged(1));
    Files.createDirectories(repository.resolve("broken/1"));
    Files.write(repository.resolve("broken/1/model.onnx"), new byte[0]);
    start(ControlMode.NONE, Set.of(), true);
    assertThat(manager.ready()).isFalse();
    assertThat(tagOf("good")).isEqualTo(1f);
  }

  @Test
  void readinessIsFalseWhileStartupModelsWarmUp() throws Exception {
    TestModels.writeModel(repository, "slow", 1, TestModels.tagged(1));
    TestModels.writeConfig(repository, "slow", ModelConfig.newBuilder()
        .addModelWarmup(ModelWarmup.newBuilder().setName("many").setCount(200_000)
            .putInputs("x", ModelWarmup.Input.newBuilder()
                .setDataType(io.sluice.proto.config.DataType.TYPE_FP32).addDims(1).setZeroData(true).build()))
        .build());
    manager = new ModelManager(new ModelRepository(repository), new VersionLoader(RuntimeOptions.defaults()),
        new LifecycleOptions(ControlMode.NONE, Set.of(), 60_000, true, 5_000));
    CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
      try {
        manager.start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> manager.models().stream()
        .anyMatch(s -> s.name().equals("slow") && s.state() == ModelState.LOADING));
    assertThat(manager.ready()).isFalse();
    starting.get(60, TimeUnit.SECONDS);
    assertThat(manager.ready()).isTrue();
  }

  @Test
  void pollModeLoadsChangesOnlyOnceTheyAreStable() throws Exception {
    TestModels.writeModel(repository, "m", 1, TestModels.tagged(1));
    TestModels.writeConfig(repository, "m", policyAll());
    start(ControlMode.POLL, Set.of(), true);
    assertThat(manager.status("m").versions().keySet()).containsExactly(1L);

    TestModels.writeModel(repository, "m", 2, TestModels.tagged(2));
    manager.pollNow();
    assertThat(manager.status("m").versions().keySet()).as("first sighting: not yet stable").containsExactly(1L);
    manager.pollNow();
    assertThat(manager.status("m").versions().keySet()).containsExactly(1L, 2L);
    assertThat(tagOf("m")).isEqualTo(2f);

    // a file still being written changes between polls and is not loaded
    TestModels.writeModel(repository, "m", 3, new byte[] {8, 1});
    manager.pollNow();
    TestModels.writeModel(repository, "m", 3, TestModels.tagged(3));
    manager.pollNow();
    assertThat(manager.status("m").versions().keySet()).containsExactly(1L, 2L);
    manager.pollNow();
    assertThat(manager.status("m").versions().keySet()).containsExactly(1L, 2L, 3L);

    // a removed version is drained away; a new model appears; a removed model is unloaded
    deleteRecursively(repository.resolve("m/1"));
    TestModels.writeModel(repository, "n", 1, TestModels.tagged(9));
    manager.pollNow();
    manager.pollNow();
    assertThat(manager.status("m").versions().keySet()).containsExactly(2L, 3L);
    assertThat(tagOf("n")).isEqualTo(9f);
    deleteRecursively(repository.resolve("n"));
    manager.pollNow();
    await().atMost(Duration.ofSeconds(10)).until(() -> manager.status("n").state() == ModelState.UNAVAILABLE);
    assertThat(manager.status("n").reason()).isEqualTo("removed from the model repository");
  }

  @Test
  void externalDataOutsideTheVersionDirectoryIsRejectedBeforeOnnxRuntime() throws Exception {
    Files.writeString(repository.resolve("secret.bin"), "abcd");
    TestModels.writeModel(repository, "escape", 1, TestModels.externalData("../../secret.bin"));
    TestModels.writeModel(repository, "absolute", 1, TestModels.externalData(repository.resolve("secret.bin").toString()));
    TestModels.writeModel(repository, "inside", 1, TestModels.externalData("w.bin"));
    Files.write(repository.resolve("inside/1/w.bin"), new byte[] {0, 0, (byte) 0x80, 0x3f});
    Files.createDirectories(repository.resolve("linked/1"));
    Files.write(repository.resolve("linked/1/model.onnx"), TestModels.externalData("w.bin"));
    Files.createSymbolicLink(repository.resolve("linked/1/w.bin"), repository.resolve("secret.bin"));
    Files.createDirectories(repository.resolve("hardlinked/1"));
    Files.write(repository.resolve("hardlinked/1/model.onnx"), TestModels.externalData("w.bin"));
    Files.createLink(repository.resolve("hardlinked/1/w.bin"), repository.resolve("secret.bin"));
    start(ControlMode.NONE, Set.of(), false);

    assertThat(manager.status("escape").reason()).contains("external data outside the version directory");
    assertThat(manager.status("absolute").reason()).contains("external data outside the version directory");
    assertThat(manager.status("linked").reason()).contains("external data outside the version directory");
    assertThat(manager.status("hardlinked").reason()).contains("several hard links").doesNotContain(repository.toString());
    assertThat(manager.status("inside").state()).isEqualTo(ModelState.READY);
  }

  private static void deleteRecursively(Path path) throws Exception {
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
