package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument errors: one clear line (plus a pointer to --help), exit code 2, nothing sent. */
class CommandLineTest {

  @TempDir
  Path temp;

  private BenchRun bench(String... args) {
    return BenchRun.of(null, args);
  }

  @Test
  void helpDescribesTheContract() {
    BenchRun run = bench("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--target", "--model", "--version", "--rate", "--poisson", "--concurrency",
        "--duration", "--warmup", "--output", "--requests", "--protocol-format", "--input", "--data", "--sweep",
        "--compare", "report", "Exit codes");
  }

  @Test
  void needsExactlyOneOfRateAndConcurrency() {
    BenchRun neither = bench("--target", "http://127.0.0.1:1", "--model", "m");
    BenchRun both = bench("--target", "http://127.0.0.1:1", "--model", "m", "--rate", "5", "--concurrency", "2");

    for (BenchRun run : new BenchRun[] {neither, both}) {
      assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).startsWith("sluice-bench: give exactly one of --rate R (open loop) or --concurrency C")
          .contains("Try 'sluice-bench --help' for usage.");
      assertThat(run.err().lines().count()).isEqualTo(2);
    }
  }

  @Test
  void rejectsBadValuesWithTheExpectedForm() {
    assertThat(bench("--target", "localhost:8000", "--model", "m", "--rate", "5").err())
        .contains("--target: 'localhost:8000' (expected: http://HOST:PORT or grpc://HOST:PORT)");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--rate", "5", "--duration", "soon").err())
        .contains("Invalid value for option '--duration'");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--rate", "5", "--input", "x:FP32").err())
        .contains("expected: NAME:DATATYPE:SHAPE");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--rate", "-5").err())
        .contains("--rate: -5.0 (expected: > 0)");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--concurrency", "2", "--sweep").err())
        .contains("--sweep: needs the open loop");
    assertThat(bench("--model", "m", "--rate", "5").err()).contains("missing --target");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--rate", "5", "--compare", temp.toString()).err())
        .contains("--compare: '" + temp + "' holds no latency.hlog");
    assertThat(bench("--target", "http://h:1", "--model", "m", "--rate", "5", "--bogus").exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }
}
