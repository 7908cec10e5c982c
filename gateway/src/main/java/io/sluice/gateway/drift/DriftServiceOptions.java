package io.sluice.gateway.drift;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Process-wide settings of the {@link DriftService} (per-model settings are {@link DriftSettings}).
 *
 * @param queueCapacity most samples waiting for the worker; more are dropped and counted
 * @param maxPendingBytes most tensor bytes the waiting samples may hold; more are dropped and counted
 * @param payloadLogDirectory where sampled requests and responses are logged; empty for no payload log
 * @param payloadLogMaxFileBytes size at which the payload log rotates
 * @param payloadLogMaxFiles payload log files kept, the current one included
 * @param webhookTimeout connect and response timeout of each webhook attempt
 * @param webhookAttempts attempts per webhook event, the first included
 * @param webhookBackoff wait before the first retry; doubled before each further one
 * @param tickInterval how often the worker checks time-based windows when no sample arrives
 * @param stateDirectory the server's state directory ({@code --state-dir}), made absolute: a baseline captured
 *     from live traffic ({@code sluice.drift.baseline_samples}) is kept in
 *     {@code <stateDirectory>/drift/<model>.json} and restored on restart or reload instead of being captured
 *     again; empty keeps captured baselines in memory only
 */
public record DriftServiceOptions(int queueCapacity, long maxPendingBytes, Optional<Path> payloadLogDirectory,
    long payloadLogMaxFileBytes, int payloadLogMaxFiles, Duration webhookTimeout, int webhookAttempts,
    Duration webhookBackoff, Duration tickInterval, Optional<Path> stateDirectory) {

  public DriftServiceOptions {
    stateDirectory = stateDirectory.map(directory -> directory.toAbsolutePath().normalize());
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
    }
    if (maxPendingBytes < 0) {
      throw new IllegalArgumentException("maxPendingBytes: " + maxPendingBytes + " (expected: >= 0)");
    }
    if (payloadLogMaxFileBytes < 1) {
      throw new IllegalArgumentException("payloadLogMaxFileBytes: " + payloadLogMaxFileBytes
          + " (expected: > 0)");
    }
    if (payloadLogMaxFiles < 1) {
      throw new IllegalArgumentException("payloadLogMaxFiles: " + payloadLogMaxFiles + " (expected: > 0)");
    }
    if (webhookTimeout.isNegative() || webhookTimeout.isZero()) {
      throw new IllegalArgumentException("webhookTimeout: " + webhookTimeout + " (expected: > 0)");
    }
    if (webhookAttempts < 1) {
      throw new IllegalArgumentException("webhookAttempts: " + webhookAttempts + " (expected: > 0)");
    }
    if (webhookBackoff.isNegative()) {
      throw new IllegalArgumentException("webhookBackoff: " + webhookBackoff + " (expected: >= 0)");
    }
    if (tickInterval.isNegative() || tickInterval.isZero()) {
      throw new IllegalArgumentException("tickInterval: " + tickInterval + " (expected: > 0)");
    }
  }

  /** Where captured baselines are kept: {@code <stateDirectory>/drift}; empty without a state directory. */
  public Optional<Path> baselineDirectory() {
    return stateDirectory.map(directory -> directory.resolve("drift"));
  }

  /**
   * Defaults: 1024 samples / 64 MiB queued, no payload log, webhooks 5 s × 3 attempts from 1 s, 1 s ticks, no
   * state directory.
   */
  public static DriftServiceOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link DriftServiceOptions}; unset fields take the defaults. Not thread-safe. */
  public static final class Builder {
    private int queueCapacity = 1024;
    private long maxPendingBytes = 64L << 20;
    private Path payloadLogDirectory;
    private long payloadLogMaxFileBytes = 64L << 20;
    private int payloadLogMaxFiles = 5;
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private int webhookAttempts = 3;
    private Duration webhookBackoff = Duration.ofSeconds(1);
    private Duration tickInterval = Duration.ofSeconds(1);
    private Path stateDirectory;

    private Builder() {}

    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder maxPendingBytes(long maxPendingBytes) {
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    /** Enables the payload log in {@code directory} (created when missing). */
    public Builder payloadLog(Path directory, long maxFileBytes, int maxFiles) {
      this.payloadLogDirectory = directory;
      this.payloadLogMaxFileBytes = maxFileBytes;
      this.payloadLogMaxFiles = maxFiles;
      return this;
    }

    public Builder webhook(Duration timeout, int attempts, Duration backoff) {
      this.webhookTimeout = timeout;
      this.webhookAttempts = attempts;
      this.webhookBackoff = backoff;
      return this;
    }

    public Builder tickInterval(Duration tickInterval) {
      this.tickInterval = tickInterval;
      return this;
    }

    /**
     * Keeps captured baselines under {@code directory} ({@code <directory>/drift/<model>.json}, created when
     * needed); null keeps them in memory only.
     */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = directory;
      return this;
    }

    public DriftServiceOptions build() {
      return new DriftServiceOptions(queueCapacity, maxPendingBytes, Optional.ofNullable(payloadLogDirectory),
          payloadLogMaxFileBytes, payloadLogMaxFiles, webhookTimeout, webhookAttempts, webhookBackoff,
          tickInterval, Optional.ofNullable(stateDirectory));
    }
  }
}
