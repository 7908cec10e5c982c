package io.sluice.canary.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.canary.gates.Gate;
import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.json.CanaryJson;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Decision;
import io.sluice.canary.rollout.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private static AuditEntry entry(int second, String model, String action) {
    return new AuditEntry(T0.plusSeconds(second), "alice", action, model, TrafficPolicy.of(1),
        TrafficPolicy.of(1, Candidate.of(2, 5)), "because", null);
  }

  @Test
  void tailIsNewestFirstFilteredAndBounded() {
    AuditLog log = new AuditLog(null, 3);
    log.append(entry(1, "a", "traffic.set"));
    log.append(entry(2, "b", "traffic.set"));
    log.append(entry(3, "a", "rollout.start"));
    log.append(entry(4, "a", "rollout.pause"));
    assertThat(log.tail(null, 0)).extracting(AuditEntry::action)
        .containsExactly("rollout.pause", "rollout.start", "traffic.set");
    assertThat(log.tail("a", 0)).extracting(AuditEntry::time)
        .containsExactly(T0.plusSeconds(4), T0.plusSeconds(3));
    assertThat(log.tail("", 1)).hasSize(1);
  }

  @Test
  void appendsOneJsonLinePerEntryWithTheNumbers() throws IOException {
    Path file = dir.resolve("logs/audit.jsonl");
    AuditLog log = new AuditLog(file, 10);
    Evaluation evaluation = new Evaluation(T0, Decision.ROLLBACK, "rolled back", 5, 60, 2,
        VersionWindow.of(1000, 500, 900), Double.NaN, 1, VersionWindow.of(5000, 5, 800), 1000, 12,
        List.of(new GateResult(Gate.ERROR_RATE, GateResult.Verdict.FAIL, 0.5, Double.NaN, 0.01, "too many")));
    log.append(entry(1, "m", "traffic.set"));
    log.append(new AuditEntry(T0.plusSeconds(2), AuditLog.SYSTEM, "rollout.rollback", "m",
        TrafficPolicy.of(1, Candidate.of(2, 5)), TrafficPolicy.of(1, Candidate.of(2, 0)), "rolled back",
        evaluation));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode rollback = CanaryJson.read(lines.get(1));
    assertThat(rollback.get("time").asText()).isEqualTo("2030-01-01T00:00:02Z");
    assertThat(rollback.get("actor").asText()).isEqualTo("system");
    assertThat(rollback.get("before").get("candidates").get(0).get("weight").asInt()).isEqualTo(5);
    assertThat(rollback.get("after").get("candidates").get(0).get("weight").asInt()).isZero();
    assertThat(rollback.get("evaluation").get("canary").get("errors").asLong()).isEqualTo(500);
    assertThat(rollback.get("evaluation").get("gates").get(0).get("value").asDouble()).isEqualTo(0.5);
    assertThat(log.failedAppends()).isZero();

    AuditLog reopened = new AuditLog(file, 10);
    assertThat(reopened.tail("m", 0)).extracting(AuditEntry::action)
        .containsExactly("rollout.rollback", "traffic.set");
    assertThat(reopened.tail("m", 1).get(0).evaluation().canary().errors()).isEqualTo(500);
  }

  @Test
  void unreadableLinesAreSkippedOnRestore() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    AuditLog log = new AuditLog(file, 10);
    log.append(entry(1, "m", "traffic.set"));
    Files.writeString(file, "garbage\n{\"half\":\n", java.nio.file.StandardOpenOption.APPEND);
    log.append(entry(2, "m", "traffic.clear"));
    assertThat(new AuditLog(file, 10).tail(null, 0)).extracting(AuditEntry::action)
        .containsExactly("traffic.clear", "traffic.set");
  }

  @Test
  void appendFailuresAreCountedNotThrown() throws IOException {
    Path blocker = Files.writeString(dir.resolve("blocker"), "x");
    AuditLog log = new AuditLog(blocker.resolve("audit.jsonl"), 10);
    log.append(entry(1, "m", "traffic.set"));
    assertThat(log.failedAppends()).isEqualTo(1);
    assertThat(log.tail("m", 0)).hasSize(1);
  }

  @Test
  void rendersTheAuditBody() {
    String json = AuditLog.render(List.of(entry(1, "m", "traffic.set")));
    JsonNode node = CanaryJson.read(json);
    assertThat(node.get("entries").get(0).get("action").asText()).isEqualTo("traffic.set");
    assertThat(node.get("entries").get(0).get("evaluation").isNull()).isTrue();
  }
}
