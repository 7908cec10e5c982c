package io.sluice.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.contract.ContractServer;
import io.sluice.gateway.contract.ProtocolClient;
import io.sluice.gateway.contract.ProtocolClient.Call;
import io.sluice.gateway.contract.ProtocolClient.Input;
import io.sluice.gateway.contract.ProtocolClient.Result;
import io.sluice.gateway.contract.RawTensors;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of {@link BadInputCorpus} on every path it applies to, against the shared
 * {@link ContractServer}, one named test per case and path. Each asserts: the exact HTTP status or gRPC code;
 * for a refusal, a short, printable, non-empty message with the intended reason and no class name, file path or
 * ONNX Runtime text, no direct-memory growth near what the declared sizes would take, and an unchanged
 * {@code execution_count} (the model did not run); afterwards the server is live and ready over HTTP and
 * gRPC and a valid request to the same model gets exactly the right answer (and moves the count, so the
 * unchanged count could have failed).
 */
class BadInputCorpusTest {
  /** Far below the smallest allocation a declared size in the corpus would cause (1 GiB and up). */
  private static final long DIRECT_MEMORY_SLACK = 64L << 20;
  /** Messages are short (a gRPC status message travels in a header, limited to 8 KiB by default). */
  private static final int MAX_MESSAGE_LENGTH = 512;
  private static final String[] LEAKS = {
    "java.", "io.sluice", "Exception", ".java", "/tmp", "/work", "/home", "onnxruntime", "ORT",
    "Non-zero status code"
  };

  private static final Map<WirePath, ProtocolClient> CLIENTS = new EnumMap<>(WirePath.class);
  private static String repository;

  @BeforeAll
  static void connect() {
    SluiceServer server = ContractServer.get();
    repository = ContractServer.repository().toString();
    for (WirePath path : WirePath.values()) {
      CLIENTS.put(path, path.connect(server));
    }
  }

  @AfterAll
  static void disconnect() {
    CLIENTS.values().forEach(ProtocolClient::close);
    CLIENTS.clear();
  }

  @TestFactory
  Stream<DynamicNode> corpus() {
    List<CorpusCase> cases = BadInputCorpus.cases();
    List<DynamicNode> items = new ArrayList<>();
    for (HardeningItem item : HardeningItem.values()) {
      List<DynamicTest> tests = new ArrayList<>();
      for (CorpusCase corpusCase : cases) {
        if (corpusCase.item() != item) {
          continue;
        }
        for (WirePath path : corpusCase.paths()) {
          tests.add(DynamicTest.dynamicTest(corpusCase.name() + " [" + path + "]", () -> run(corpusCase, path)));
        }
      }
      items.add(DynamicContainer.dynamicContainer(item.name() + ": " + item.description, tests));
    }
    return items.stream();
  }

  @Test
  void theCorpusIsLargeNamesAreUniqueAndEveryItemRunsSomewhere() {
    List<CorpusCase> cases = BadInputCorpus.cases();
    Set<String> names = new HashSet<>();
    Set<HardeningItem> covered = new HashSet<>();
    int executions = 0;
    for (CorpusCase corpusCase : cases) {
      assertThat(names.add(corpusCase.name())).as("unique name %s", corpusCase.name()).isTrue();
      assertThat(corpusCase.paths()).as("paths of %s", corpusCase.name()).isNotEmpty();
      covered.add(corpusCase.item());
      executions += corpusCase.paths().size();
    }
    assertThat(covered).containsExactlyInAnyOrder(HardeningItem.values());
    assertThat(executions).isGreaterThanOrEqualTo(150);
  }

  /**
   * HARDENING.md B: requests whose declared shape is smaller, or larger, than the bytes they send, sent
   * concurrently with many valid requests to the batched model over every path, never change a valid answer,
   * and none of them is served.
   */
  @Test
  void shapesThatDisagreeWithTheBytesNeverCorruptConcurrentValidAnswers() throws Exception {
    int requests = 240;
    ProtocolClient statistics = CLIENTS.get(WirePath.GRPC_RAW);
    long servedBefore = statistics.successCount(ContractServer.BATCHED, "1");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < requests; i++) {
        int request = i;
        answers.add(pool.submit(() -> {
          start.await();
          return sendMixed(request);
        }));
      }
      start.countDown();
      int valid = 0;
      for (Future<Boolean> answer : answers) {
        valid += answer.get(1, TimeUnit.MINUTES) ? 1 : 0;
      }
      assertThat(statistics.successCount(ContractServer.BATCHED, "1") - servedBefore)
          .as("served requests").isEqualTo(valid);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Sends request {@code n} of the mixed load and checks its answer: every third declares one row less or one
   * row more than its data holds and must be refused; the others must get their own values back.
   *
   * @return whether the request was a valid one
   */
  private static boolean sendMixed(int n) {
    WirePath path = WirePath.values()[n % WirePath.values().length];
    boolean bad = n % 3 == 0;
    int rows = 1 + n % 3 + (bad ? 1 : 0);
    float[] values = new float[rows * 4];
    for (int k = 0; k < values.length; k++) {
      values[k] = n * 100 + k + 0.25f;
    }
    long declaredRows = bad ? rows + ((n / 3) % 2 == 0 ? -1 : 1) : rows;
    Call call = Call.of(ContractServer.BATCHED, new Input("x", "FP32", new long[] {declaredRows, 4}, values));
    Result result = path.send(CLIENTS.get(path), call, Tweak.NONE);
    String label = "request " + n + " [" + path + "] declaring " + declaredRows + " rows for " + rows;
    if (bad) {
      assertThat(result.status()).as("%s: %s", label, result.message()).isEqualTo(path.status(Answer.INVALID));
    } else {
      assertThat(result.ok()).as("%s: %s", label, result.message()).isTrue();
      assertThat(RawTensors.floats(result.output("y").raw())).as(label).containsExactly(values);
    }
    return !bad;
  }

  private static void run(CorpusCase corpusCase, WirePath path) {
    String label = corpusCase.name() + " [" + path + "]";
    ProtocolClient client = CLIENTS.get(path);
    String target = corpusCase.target();
    long runsBefore = client.executionCount(target);
    long directBefore = directMemoryUsed();

    Result result = path.send(client, corpusCase.call(), corpusCase.tweak());

    assertThat(result.status()).as("%s: status (message: %s)", label, result.message())
        .isEqualTo(path.status(corpusCase.answer()));
    long runsAfter = client.executionCount(target);
    if (corpusCase.answer() == Answer.SERVED) {
      assertThat(RawTensors.floats(result.output(corpusCase.output()).raw())).as("%s: output", label)
          .containsExactly(corpusCase.expected());
      assertThat(runsAfter).as("%s: the model ran once", label).isEqualTo(runsBefore + 1);
    } else {
      assertThat(result.message()).as("%s: message", label).isNotBlank().doesNotContain(LEAKS)
          .doesNotContain(repository).hasSizeLessThan(MAX_MESSAGE_LENGTH).doesNotContainPattern("\\p{Cntrl}");
      if (corpusCase.fragment() != null) {
        assertThat(result.message()).as("%s: message", label).contains(corpusCase.fragment());
      }
      assertThat(directMemoryUsed() - directBefore).as("%s: direct memory taken by a refused request", label)
          .isLessThan(DIRECT_MEMORY_SLACK);
      assertThat(runsAfter).as("%s: the model ran for a refused request", label).isEqualTo(runsBefore);
    }

    assertLiveAndReady(label);
    ValidRequests.assertServed(client, target, label);
    assertThat(client.executionCount(target)).as("%s: the valid request ran", label).isEqualTo(runsAfter + 1);
  }

  private static void assertLiveAndReady(String label) {
    for (WirePath path : new WirePath[] {WirePath.JSON, WirePath.GRPC_RAW}) {
      ProtocolClient client = CLIENTS.get(path);
      assertThat(client.live()).as("%s: live over %s", label, path).isTrue();
      assertThat(client.ready()).as("%s: ready over %s", label, path).isTrue();
    }
  }

  private static long directMemoryUsed() {
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        return pool.getMemoryUsed();
      }
    }
    throw new AssertionError("no direct buffer pool");
  }
}
