package io.sluice.gateway.canary;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Settings of canary traffic and rollouts.
 *
 * @param stateDir where traffic policies and rollouts ({@code <stateDir>/canary/<model>.json}) and the audit
 *     trail ({@code <stateDir>/}{@value #AUDIT_FILE}) are kept across restarts; null keeps everything in
 *     memory only (lost on restart; the audit is then only served from memory). Created when missing.
 * @param clock the time of canary decisions, audit lines and the per-second measurement slots; the system
 *     clock in production, a test clock in tests
 * @param tickInterval how often the control thread rolls the measurements and evaluates active rollouts
 *     (default 1 s); {@link Duration#ZERO} schedules nothing, for tests that call
 *     {@link CanaryWiring#tick()} themselves
 */
public record CanaryOptions(Path stateDir, Clock clock, Duration tickInterval) {
  /** The audit file's name inside the state directory. */
  public static final String AUDIT_FILE = "audit.jsonl";
  /** Default time between control-plane ticks. */
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(1);

  public CanaryOptions {
    if (stateDir != null) {
      stateDir = stateDir.toAbsolutePath().normalize();
      if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
        throw new IllegalArgumentException("stateDir: " + stateDir + " is not a directory (expected: a directory,"
            + " created when missing)");
      }
    }
    if (clock == null) {
      throw new IllegalArgumentException("clock: null (expected: a Clock, e.g. Clock.systemUTC())");
    }
    if (tickInterval == null || tickInterval.isNegative()) {
      throw new IllegalArgumentException("tickInterval: " + tickInterval + " (expected: >= 0; 0 = manual ticks)");
    }
  }

  /** No state directory (in memory only), the system clock, a tick every second. */
  public static CanaryOptions defaults() {
    return new CanaryOptions(null, Clock.systemUTC(), DEFAULT_TICK_INTERVAL);
  }

  /** The defaults with state kept under {@code stateDir} (null: in memory only). */
  public static CanaryOptions ofStateDir(Path stateDir) {
    return new CanaryOptions(stateDir, Clock.systemUTC(), DEFAULT_TICK_INTERVAL);
  }

  /** The audit file, or null without a state directory. */
  public Path auditFile() {
    return stateDir == null ? null : stateDir.resolve(AUDIT_FILE);
  }

  /** Whether a control thread ticks on its own. */
  public boolean scheduled() {
    return !tickInterval.isZero();
  }
}
