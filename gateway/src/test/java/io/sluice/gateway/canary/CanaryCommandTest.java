package io.sluice.gateway.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.cli.SluiceCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice canary ...} against a live server's admin API. */
class CanaryCommandTest {
  private static SluiceServer server;
  private static String admin;

  /** Exit code and what was printed. */
  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() {
    server = CanaryTestServer.get();
    admin = "http://127.0.0.1:" + server.adminPort();
  }

  private static Run sluice(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new SluiceCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int code = command.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run canary(String action, String... more) {
    List<String> args = new ArrayList<>(List.of("canary", action, "--model", "cli", "--admin", admin));
    args.addAll(List.of(more));
    return sluice(args.toArray(new String[0]));
  }

  @Test
  void operatorWorkflowPrintsReadableTables() {
    Run before = canary("status");
    assertThat(before.code()).as(before.err()).isZero();
    assertThat(before.out()).contains("model cli", "traffic policy: none", "rollout: none");

    Run set = canary("set", "--stable", "1", "--candidate", "3=0", "--shadow", "3=10");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("VERSION  ROLE       WEIGHT", "1        stable     100%",
        "3        shadow     mirrors 10%");

    Run start = canary("start", "--version", "2", "--steps", "10,50,100", "--step-seconds", "30",
        "--min-requests", "50", "--max-latency-ratio", "2.5");
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).contains("rollout of version 2 against stable 1: RUNNING at 10% (step 1 of 3)",
        "plan: steps 10%, 50%, 100%; each held 30 s and 50 canary requests");
    server.canary().tick();

    Run status = canary("status");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .contains("traffic policy (sticky: no)")
        .contains("1        stable     90%")
        .contains("2        candidate  10%")
        .contains("3        candidate  0%")
        .contains("RUNNING at 10% (step 1 of 3)")
        .contains("last evaluation at ")
        .contains(": HOLD (canary at 10%")
        .containsPattern("WINDOW 60 s +CANARY \\(2\\) +STABLE \\(1\\)")
        .containsPattern("requests +0 +0")
        .containsPattern("GATE +VERDICT +VALUE +THRESHOLD +DETAIL")
        .containsPattern("latencyRatio +SKIPPED +- +2\\.5000");

    Run pause = canary("pause");
    assertThat(pause.code()).isZero();
    assertThat(pause.out()).contains("PAUSED at 10%");
    Run rollback = canary("rollback");
    assertThat(rollback.out()).contains("ROLLED_BACK at 0%", "reason: rolled back by local");

    Run audit = canary("audit", "--limit", "3");
    assertThat(audit.code()).isZero();
    assertThat(audit.out()).contains("TIME", "ACTOR", "rollout.rollback", "rollout.pause", "rollout.start")
        .doesNotContain("traffic.set");

    Run refused = canary("promote");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("sluice canary promote: 400: the rollout of version 2 on model 'cli' is "
        + "ROLLED_BACK");
    Run badVersion = canary("start", "--version", "9");
    assertThat(badVersion.code()).isEqualTo(1);
    assertThat(badVersion.err()).contains("400: version: 9 (expected: a loaded version of model 'cli'");
  }

  @Test
  void helpAndUsageErrors() {
    Run help = sluice("canary", "status", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--model=MODEL", "--admin=URL", "--token-file=FILE");
    Run list = sluice("canary", "--help");
    assertThat(list.out()).contains("status", "set", "start", "pause", "resume", "promote", "rollback", "audit");
    assertThat(sluice("canary", "status").code()).as("--model is required").isEqualTo(2);
    Run unreachable = sluice("canary", "status", "--model", "cli", "--admin", "http://127.0.0.1:1");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach the admin API at http://127.0.0.1:1");
  }
}
