package io.sluice.canary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutPlan;
import io.sluice.canary.rollout.RolloutState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private static StoredModel running(String model) {
    TrafficPolicy policy = new TrafficPolicy(1, List.of(Candidate.of(2, 25)), Shadow.of(3, 5), true);
    Rollout rollout = new Rollout(RolloutPlan.builder(2).stepSeconds(30).minRequests(200).build(), 1,
        RolloutState.RUNNING, 1, 25, T0, T0.plusSeconds(40), T0.plusSeconds(40), "advancing", T0.plusSeconds(40),
        null);
    return new StoredModel(model, policy, rollout);
  }

  @Test
  void savesAndRestoresPolicyAndRollout() throws IOException {
    PolicyStore store = new PolicyStore(dir.resolve("canary"));
    store.save(running("m"));
    store.save(new StoredModel("other.model-1", TrafficPolicy.of(7), null));
    PolicyStore.Loaded loaded = new PolicyStore(dir.resolve("canary")).load();
    assertThat(loaded.warnings()).isEmpty();
    assertThat(loaded.models()).containsOnlyKeys("m", "other.model-1");
    assertThat(loaded.models().get("m")).isEqualTo(running("m"));
    assertThat(loaded.models().get("other.model-1").rollout()).isNull();
    try (var files = Files.list(dir.resolve("canary"))) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("m.json",
          "other.model-1.json");
    }
  }

  @Test
  void replacesTheFileAndDeletesItWhenEmpty() throws IOException {
    PolicyStore store = new PolicyStore(dir);
    store.save(running("m"));
    store.save(new StoredModel("m", TrafficPolicy.of(2), null));
    assertThat(store.load().models().get("m").policy()).isEqualTo(TrafficPolicy.of(2));
    store.save(new StoredModel("m", null, null));
    assertThat(Files.exists(dir.resolve("m.json"))).isFalse();
    assertThat(store.load().models()).isEmpty();
  }

  @Test
  void corruptFilesAreReportedAndIgnored() throws IOException {
    PolicyStore store = new PolicyStore(dir);
    store.save(running("good"));
    Files.writeString(dir.resolve("broken.json"), "{\"format\":1,\"model\":\"broken\",\"traffic\":{\"stab");
    Files.writeString(dir.resolve("wrong.json"), "{\"format\":1,\"model\":\"else\",\"traffic\":null}");
    Files.writeString(dir.resolve("badweights.json"), "{\"format\":1,\"model\":\"badweights\",\"traffic\":"
        + "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":150}]}}");
    Files.writeString(dir.resolve("future.json"), "{\"format\":9,\"model\":\"future\"}");
    Files.write(dir.resolve("binary.json"), new byte[] {(byte) 0xff, 0, 1, 2});
    Files.writeString(dir.resolve(".half.json.tmp"), "{\"format\":1,");
    Files.writeString(dir.resolve("notes.txt"), "not state");

    PolicyStore.Loaded loaded = store.load();
    assertThat(loaded.models()).containsOnlyKeys("good");
    assertThat(loaded.warnings()).hasSize(5);
    assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("canary state file broken.json:"
        + " malformed JSON").endsWith("; ignored"));
    assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).isEqualTo("canary state file wrong.json: names"
        + " model 'else'; ignored"));
    assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).isEqualTo("canary state file badweights.json:"
        + " traffic.candidates[0].weight: 150 (expected: an integer 0..100); ignored"));
    assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).isEqualTo("canary state file future.json: not"
        + " format 1; ignored"));
    assertThat(Files.exists(dir.resolve(".half.json.tmp"))).as("leftover temp file removed").isFalse();
    assertThat(loaded.warnings()).noneMatch(w -> w.contains(dir.toString()));
  }

  @Test
  void anActiveRolloutThatDoesNotMatchThePolicyIsDropped() throws IOException {
    PolicyStore store = new PolicyStore(dir);
    StoredModel model = running("m");
    store.save(new StoredModel("m", TrafficPolicy.of(1), model.rollout()));
    PolicyStore.Loaded loaded = store.load();
    assertThat(loaded.models().get("m").policy()).isEqualTo(TrafficPolicy.of(1));
    assertThat(loaded.models().get("m").rollout()).isNull();
    assertThat(loaded.warnings()).singleElement().asString().contains("does not match the traffic policy");
  }

  @Test
  void aMissingDirectoryLoadsNothingAndAnUnwritableOneFailsTheSave() throws IOException {
    assertThat(new PolicyStore(dir.resolve("absent")).load().models()).isEmpty();
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    PolicyStore blocked = new PolicyStore(file.resolve("canary"));
    assertThatThrownBy(() -> blocked.save(running("m"))).isInstanceOf(IOException.class);
    assertThat(blocked.load().warnings()).isEmpty();
  }
}
