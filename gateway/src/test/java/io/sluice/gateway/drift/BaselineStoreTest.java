package io.sluice.gateway.drift;

import static io.sluice.gateway.drift.DriftTraffic.SIGNATURE;
import static io.sluice.gateway.drift.DriftTraffic.awaitWindows;
import static io.sluice.gateway.drift.DriftTraffic.drifted;
import static io.sluice.gateway.drift.DriftTraffic.offer;
import static io.sluice.gateway.drift.DriftTraffic.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.testing.LogRecords;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captured baselines kept in the state directory: saved when a capture completes, restored by the next service
 * (a restart) or configuration (a reload) instead of capturing again, and ignored with one warning when the
 * file is corrupt, too large or no longer fits the model.
 */
class BaselineStoreTest {
  private static final long START_MILLIS = 1_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private Path stateDirectory() {
    return directory.resolve("state");
  }

  private Path savedFile() {
    return stateDirectory().resolve("drift").resolve("m.json");
  }

  private DriftService service(Path stateDirectory) {
    DriftServiceOptions.Builder options = options();
    if (stateDirectory != null) {
      options.stateDirectory(stateDirectory);
    }
    DriftService service = new DriftService(options.build(), new MutableClock(START_MILLIS));
    closeables.add(service);
    return service;
  }

  private LogRecords log() {
    LogRecords log = LogRecords.of(BaselineStore.class);
    closeables.add(log);
    return log;
  }

  private static ModelConfig capturing(int samples) {
    return DriftSettingsTest.config("sluice.sample_rate", "1", "sluice.drift.baseline_samples",
        Integer.toString(samples), "sluice.drift.window", "200");
  }

  /** Configures {@code service} to capture 300 samples and sends them from version 1. */
  private static void capture(DriftService service, Path modelDirectory) {
    service.configure("m", modelDirectory, capturing(300), SIGNATURE);
    service.markStable("m", "1");
    offer(service, "1", new Random(3), false, 300, "s-");
    await().atMost(Duration.ofSeconds(20)).until(() -> service.baseline("m").isPresent());
  }

  /** Captures a baseline with a service on the state directory, which is closed afterwards; the saved file. */
  private Path savedCapture() {
    DriftService first = service(stateDirectory());
    capture(first, directory);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(savedFile()));
    first.close();
    return savedFile();
  }

  @Test
  void aCompletedCaptureIsSavedAsABaselineFile() throws IOException {
    LogRecords log = log();
    DriftService service = service(stateDirectory());
    capture(service, directory);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(savedFile()));

    BaselineProfile captured = service.baseline("m").orElseThrow();
    BaselineProfile read = BaselineProfiles.read(SIGNATURE, savedFile());
    assertThat(read.samples()).isEqualTo(300);
    assertThat(read.toJson()).isEqualTo(captured.toJson());
    JsonNode capture = JSON.readTree(savedFile().toFile()).path("capture");
    assertThat(capture.path("model").asText()).isEqualTo("m");
    assertThat(capture.path("version").asText()).isEqualTo("1");
    assertThat(capture.path("maxBatchSize").asInt()).isEqualTo(8);
    assertThat(capture.path("capturedAtMillis").asLong()).isEqualTo(START_MILLIS);
    try (Stream<Path> files = Files.list(savedFile().getParent())) {
      assertThat(files).containsExactly(savedFile()); // no temporary file left behind
    }
    assertThat(log.messages(Level.INFO)).containsExactly("model 'm': drift baseline captured from version 1 "
        + "(300 samples), saved to " + savedFile());

    service.configure("m", directory, capturing(300), SIGNATURE); // a reload restores it at once
    assertThat(service.baseline("m")).hasValueSatisfying(b -> assertThat(b.toJson()).isEqualTo(captured.toJson()));
  }

  @Test
  void aNewServiceRestoresTheSavedCaptureInsteadOfCapturingAgain() throws IOException {
    Path file = savedCapture();
    byte[] saved = Files.readAllBytes(file);
    LogRecords log = log();

    DriftService restarted = service(stateDirectory());
    restarted.configure("m", directory, capturing(300), SIGNATURE);
    assertThat(restarted.baseline("m")).hasValueSatisfying(b -> assertThat(b.samples()).isEqualTo(300));
    assertThat(log.messages(Level.INFO)).containsExactly("model 'm': drift baseline restored from " + file
        + " (300 samples captured from version 1); not capturing it again");
    assertThat(log.messages(Level.WARNING)).isEmpty();

    restarted.markStable("m", "1");
    offer(restarted, "1", new Random(7), true, 200, "shifted-");
    DriftReport report = awaitWindows(restarted, "1", 1); // a capture would have taken these 200 samples
    assertThat(report.state()).isEqualTo(DriftReport.READY);
    assertThat(report.baselineSamples()).isEqualTo(300);
    assertThat(drifted(report)).containsExactly(1, 2);
    assertThat(Files.readAllBytes(file)).isEqualTo(saved);
  }

  @Test
  void aCorruptFileIsIgnoredWithAWarningAndTheCaptureStartsOver() throws IOException {
    Files.createDirectories(savedFile().getParent());
    Files.writeString(savedFile(), "{\"format\":\"sluice.drift.baseline\",");
    LogRecords log = log();

    DriftService service = service(stateDirectory());
    service.configure("m", directory, capturing(300), SIGNATURE);
    assertThat(service.baseline("m")).isEmpty();
    assertThat(log.messages(Level.WARNING)).singleElement().asString()
        .startsWith("model 'm': saved drift baseline " + savedFile() + " ignored: content: not valid JSON")
        .endsWith("; capturing it again from the first 300 samples");

    service.markStable("m", "1");
    offer(service, "1", new Random(3), false, 100, "s-");
    await().atMost(Duration.ofSeconds(20)).until(() -> service.report("m")
        .map(DriftReport::baselineSamples).orElse(0L) == 100);
    assertThat(service.report("m").orElseThrow().state()).isEqualTo(DriftReport.CAPTURING_BASELINE);
    offer(service, "1", new Random(4), false, 200, "t-");
    await().atMost(Duration.ofSeconds(20)).until(() -> log.messages(Level.INFO).size() == 1);
    assertThat(BaselineProfiles.read(SIGNATURE, savedFile()).samples()).isEqualTo(300); // replaced
  }

  @Test
  void oversizedFilesAndDirectoriesAreIgnored() throws IOException {
    Files.createDirectories(savedFile().getParent());
    try (RandomAccessFile sparse = new RandomAccessFile(savedFile().toFile(), "rw")) {
      sparse.setLength(BaselineStore.MAX_FILE_BYTES + 1L);
    }
    Files.createDirectories(stateDirectory().resolve("drift").resolve("n.json"));
    LogRecords log = log();

    DriftService service = service(stateDirectory());
    service.configure("m", directory, capturing(300), SIGNATURE);
    service.configure("n", directory, capturing(300), SIGNATURE);
    assertThat(service.baseline("m")).isEmpty();
    assertThat(service.baseline("n")).isEmpty();
    assertThat(log.messages(Level.WARNING)).containsExactly(
        "model 'm': saved drift baseline " + savedFile() + " ignored: larger than 67108864 bytes; capturing it "
            + "again from the first 300 samples",
        "model 'n': saved drift baseline " + stateDirectory().resolve("drift").resolve("n.json")
            + " ignored: not a regular file; capturing it again from the first 300 samples");
  }

  @Test
  void aCaptureThatNoLongerFitsTheModelIsIgnored() throws IOException {
    Path file = savedCapture();
    Files.copy(file, file.resolveSibling("n.json"));
    ModelSignature otherInputs = new ModelSignature(List.of(new TensorSpec("pixels", DataType.FP32,
        new long[] {-1, 3, 8, 8})), List.of(), 8);
    ModelSignature otherType = new ModelSignature(List.of(new TensorSpec("x", DataType.FP64,
        new long[] {-1, 4})), List.of(), 8);
    // the same feature names, but the model no longer batches
    ModelSignature unbatched = new ModelSignature(List.of(new TensorSpec("x", DataType.FP32,
        new long[] {-1, 4})), List.of(), 0);
    LogRecords log = log();

    DriftService service = service(stateDirectory());
    service.configure("m", directory, capturing(300), otherInputs);
    service.configure("m", directory, capturing(300), otherType);
    service.configure("m", directory, capturing(300), unbatched);
    service.configure("m", directory, capturing(500), SIGNATURE);
    service.configure("n", directory, capturing(300), SIGNATURE);

    assertThat(service.baseline("m")).isEmpty();
    assertThat(service.baseline("n")).isEmpty();
    assertThat(log.messages(Level.WARNING)).hasSize(5).allSatisfy(warning -> assertThat(warning)
        .contains("saved drift baseline " + stateDirectory().resolve("drift")).contains(" ignored: "))
        .satisfiesExactly(
            w -> assertThat(w).contains("content: built for inputs [x] (expected: the model's inputs [pixels])"),
            w -> assertThat(w).contains("content: input 'x' has datatype FP32 (expected: FP64)"),
            w -> assertThat(w).contains("captured with max_batch_size 8 (expected: 0, as the model's 0)"),
            w -> assertThat(w).contains("holds 300 samples (expected: at least 500, "
                + "sluice.drift.baseline_samples); capturing it again from the first 500 samples"),
            w -> assertThat(w).startsWith("model 'n': ").contains("captured for model 'm' (expected: 'n')"));
    assertThat(log.messages(Level.INFO)).isEmpty();
  }

  @Test
  void inputsOfAnotherShapeDoNotFit() {
    ModelSignature small = BaselineProfilesTest.images(8);
    BaselineProfile profile = new BaselineBuilder(FeatureLayout.of(small), small.inputs()).build();
    BaselineStore store = new BaselineStore(stateDirectory().resolve("drift"));
    store.save(new BaselineCapture("m", "1", 8, START_MILLIS), profile);
    LogRecords log = log();

    // the same features (per-channel mean and deviation), from images of another size
    assertThat(store.restore("m", BaselineProfilesTest.images(16), 0)).isNull();
    assertThat(log.messages(Level.WARNING)).singleElement().asString()
        .contains("ignored: content: input 'pixels' has shape [-1,3,8,8] and 6 features (expected: shape "
            + "[-1,3,16,16] and 6 features, the model's)");
    assertThat(store.restore("m", small, 0)).isNotNull();
  }


  @Test
  void withoutAStateDirectoryNothingIsWritten() throws IOException {
    LogRecords log = log();
    DriftService service = service(null);
    capture(service, directory);
    offer(service, "1", new Random(4), false, 1, "after-");
    // the worker handles samples in order: the capture's last sample, and any save, are done
    await().atMost(Duration.ofSeconds(20)).until(() -> service.counters().processed() == 301);

    assertThat(options().build().baselineDirectory()).isEmpty();
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files).isEmpty();
    }
    assertThat(Path.of("drift")).doesNotExist(); // nothing relative to the working directory either
    assertThat(log.messages(Level.INFO)).isEmpty();
    assertThat(log.messages(Level.WARNING)).isEmpty();
  }

  @Test
  void aRecaptureDiscardsTheSavedBaselineAndCapturesANewOneFromTheStableVersion() throws IOException {
    DriftService service = service(stateDirectory());
    capture(service, directory);
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(savedFile()));
    String first = service.baseline("m").orElseThrow().toJson();

    DriftReport now = service.recapture("m").orElseThrow();
    assertThat(now.state()).isEqualTo(DriftReport.CAPTURING_BASELINE);
    assertThat(now.version()).isEqualTo("1");
    assertThat(service.baseline("m")).isEmpty();
    assertThat(savedFile()).doesNotExist();
    DriftService restarted = service(stateDirectory());
    restarted.configure("m", directory, capturing(300), SIGNATURE);
    assertThat(restarted.baseline("m")).as("nothing left to restore").isEmpty();

    // the traffic changed on purpose: the new baseline is the shifted one, so it is not drift any more
    offer(service, "1", new Random(7), true, 300, "shifted-");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(savedFile()));
    assertThat(service.baseline("m").orElseThrow().toJson()).isNotEqualTo(first);
    assertThat(BaselineProfiles.read(SIGNATURE, savedFile()).toJson())
        .isEqualTo(service.baseline("m").orElseThrow().toJson());
  }

  @Test
  void onlyACapturedBaselineCanBeRecaptured() throws IOException {
    DriftService service = service(stateDirectory());
    assertThatThrownBy(() -> service.recapture("m")).isInstanceOfSatisfying(InferenceException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    capture(service, directory);
    Path file = directory.resolve("baseline.json");
    Files.writeString(file, service.baseline("m").orElseThrow().toJson());
    service.configure("m", directory, DriftSettingsTest.config("sluice.sample_rate", "1", "sluice.drift.baseline",
        "baseline.json", "sluice.drift.window", "200"), SIGNATURE);
    assertThatThrownBy(() -> service.recapture("m")).isInstanceOfSatisfying(InferenceException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).isEqualTo("model 'm' takes its drift baseline from the file 'baseline.json' "
          + "(sluice.drift.baseline): replace the file and reload the model to change it");
    });
    assertThat(service.baseline("m")).isPresent();
  }

  @Test
  void aTemporaryFileACrashLeftDuringASaveIsRemovedAtStart() throws IOException {
    Path leftover = savedFile().resolveSibling(".m.json.tmp");
    Files.createDirectories(leftover.getParent());
    Files.writeString(leftover, "{\"format\":");

    service(stateDirectory());

    assertThat(leftover).doesNotExist();
  }
}
