package io.sluice.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class IndexEntryTest {
  private static final Map<String, ModelStatus> SNAPSHOT = Map.of(
      "broken", new ModelStatus("broken", ModelState.UNAVAILABLE, "no version loaded", new TreeMap<>(),
          Map.of(1L, "model.onnx is not a valid ONNX model")),
      "coming", new ModelStatus("coming", ModelState.LOADING, "", new TreeMap<>(), Map.of()));

  @Test
  void modelsWithoutALoadedVersionGetARowEachSayingWhy() {
    assertThat(IndexEntry.rows(List.of("broken", "coming", "absent"), SNAPSHOT, false)).containsExactly(
        new IndexEntry("broken", "1", "UNAVAILABLE", "model.onnx is not a valid ONNX model"),
        new IndexEntry("coming", "", "LOADING", ""),
        new IndexEntry("absent", "", "UNAVAILABLE", "not loaded"));
  }

  @Test
  void theReadyIndexListsLoadedVersionsOnly() {
    assertThat(IndexEntry.rows(List.of("broken", "coming", "absent"), SNAPSHOT, true)).isEmpty();
  }

  @Test
  void theAvailableVersionsOfAModelWithNoneSaySo() {
    assertThat(SNAPSHOT.get("coming").availableVersions()).isEqualTo(" (no version is loaded)");
  }
}
