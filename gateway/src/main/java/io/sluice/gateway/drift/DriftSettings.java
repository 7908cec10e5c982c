package io.sluice.gateway.drift;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelParameter;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model's sampling and drift settings, from the {@code parameters} of its {@code config.pbtxt}:
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>parameter</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code sluice.sample_rate}</td><td>fraction of requests sampled, 0..1</td><td>0 (off)</td></tr>
 *   <tr><td>{@code sluice.drift.baseline}</td><td>baseline profile file, relative to and inside the model
 *       directory</td><td>none</td></tr>
 *   <tr><td>{@code sluice.drift.baseline_samples}</td><td>else capture the baseline from the first N samples of
 *       the stable version (saved in, and restored from, the server's state directory when it has one)</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code sluice.drift.window}</td><td>sampled requests per comparison window</td>
 *       <td>{@value #DEFAULT_WINDOW}</td></tr>
 *   <tr><td>{@code sluice.drift.window_seconds}</td><td>also close a window this many seconds after its first
 *       sample; 0 = by count only</td><td>0</td></tr>
 *   <tr><td>{@code sluice.drift.p_value}</td><td>level a feature's Bonferroni-adjusted p-value must be below to
 *       drift</td><td>0.05</td></tr>
 *   <tr><td>{@code sluice.drift.share}</td><td>share of tested features that must drift for the model to be
 *       drifting</td><td>0.5</td></tr>
 *   <tr><td>{@code sluice.drift.webhook}</td><td>http(s) URL POSTed a JSON event when drifting starts or
 *       stops</td><td>none</td></tr>
 * </table>
 *
 * Drift detection runs when sampling is on and a baseline (file or capture) is configured; sampling alone feeds
 * only the payload log. Any other parameter starting with {@code sluice.drift.} is rejected as a likely typo.
 *
 * @param sampleRate fraction of requests sampled, in [0, 1]
 * @param baselineFile the baseline file name inside the model directory, when configured
 * @param baselineSamples sampled requests to capture as the baseline; 0 when not capturing
 * @param window sampled requests per comparison window, > 0
 * @param windowTime a window also closes this long after its first sample; zero for count-only windows
 * @param pValue per-feature significance level after the Bonferroni correction, in (0, 1)
 * @param driftShare share of tested features that must drift, in (0, 1]
 * @param webhook where state changes are POSTed, when configured
 */
public record DriftSettings(double sampleRate, Optional<String> baselineFile, int baselineSamples, int window,
    Duration windowTime, double pValue, double driftShare, Optional<URI> webhook) {

  public static final String SAMPLE_RATE = "sluice.sample_rate";
  public static final String BASELINE = "sluice.drift.baseline";
  public static final String BASELINE_SAMPLES = "sluice.drift.baseline_samples";
  public static final String WINDOW = "sluice.drift.window";
  public static final String WINDOW_SECONDS = "sluice.drift.window_seconds";
  public static final String P_VALUE = "sluice.drift.p_value";
  public static final String SHARE = "sluice.drift.share";
  public static final String WEBHOOK = "sluice.drift.webhook";

  public static final int DEFAULT_WINDOW = 500;
  public static final double DEFAULT_P_VALUE = 0.05;
  public static final double DEFAULT_SHARE = 0.5;
  /** Upper bound of {@link #window} and {@link #baselineSamples}. */
  public static final int MAX_SAMPLES = 1_000_000;
  /** Upper bound of {@link #windowTime}: one week. */
  public static final long MAX_WINDOW_SECONDS = 7L * 24 * 3600;

  private static final List<String> DRIFT_PARAMETERS =
      List.of(BASELINE, BASELINE_SAMPLES, WINDOW, WINDOW_SECONDS, P_VALUE, SHARE, WEBHOOK);

  public DriftSettings {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException(SAMPLE_RATE + ": " + sampleRate + " (expected: a number in [0, 1])");
    }
    if (baselineFile.isPresent() && baselineSamples > 0) {
      throw new IllegalArgumentException(BASELINE + " and " + BASELINE_SAMPLES
          + " are both set (expected: one baseline source)");
    }
    if (baselineSamples < 0 || baselineSamples > MAX_SAMPLES) {
      throw new IllegalArgumentException(BASELINE_SAMPLES + ": " + baselineSamples + " (expected: 0.."
          + MAX_SAMPLES + ", 0 = no capture)");
    }
    if (window < 1 || window > MAX_SAMPLES) {
      throw new IllegalArgumentException(WINDOW + ": " + window + " (expected: 1.." + MAX_SAMPLES + ")");
    }
    if (windowTime.isNegative() || windowTime.getSeconds() > MAX_WINDOW_SECONDS) {
      throw new IllegalArgumentException(WINDOW_SECONDS + ": " + windowTime.getSeconds() + " (expected: 0.."
          + MAX_WINDOW_SECONDS + ")");
    }
    if (!(pValue > 0 && pValue < 1)) {
      throw new IllegalArgumentException(P_VALUE + ": " + pValue + " (expected: a number in (0, 1))");
    }
    if (!(driftShare > 0 && driftShare <= 1)) {
      throw new IllegalArgumentException(SHARE + ": " + driftShare + " (expected: a number in (0, 1])");
    }
    baselineFile.ifPresent(DriftSettings::checkRelative);
    webhook.ifPresent(DriftSettings::checkWebhook);
  }

  /** Sampling and drift off. */
  public static DriftSettings disabled() {
    return new DriftSettings(0, Optional.empty(), 0, DEFAULT_WINDOW, Duration.ZERO, DEFAULT_P_VALUE,
        DEFAULT_SHARE, Optional.empty());
  }

  /**
   * The settings in {@code config}'s parameters; absent parameters take their defaults.
   *
   * @throws IllegalArgumentException naming the parameter, the value and what was expected
   */
  public static DriftSettings from(ModelConfig config) {
    Map<String, ModelParameter> parameters = config.getParametersMap();
    for (String key : parameters.keySet()) {
      if (key.startsWith("sluice.drift.") && !DRIFT_PARAMETERS.contains(key)) {
        throw new IllegalArgumentException("unknown parameter " + key + " (expected one of: "
            + String.join(", ", DRIFT_PARAMETERS) + ")");
      }
    }
    double rate = decimal(parameters, SAMPLE_RATE, 0);
    Optional<String> baseline = text(parameters, BASELINE);
    int baselineSamples = (int) integer(parameters, BASELINE_SAMPLES, 0, 1, MAX_SAMPLES);
    int window = (int) integer(parameters, WINDOW, DEFAULT_WINDOW, 1, MAX_SAMPLES);
    long seconds = integer(parameters, WINDOW_SECONDS, 0, 0, MAX_WINDOW_SECONDS);
    double pValue = decimal(parameters, P_VALUE, DEFAULT_P_VALUE);
    double share = decimal(parameters, SHARE, DEFAULT_SHARE);
    Optional<URI> webhook = text(parameters, WEBHOOK).map(DriftSettings::webhookUri);
    return new DriftSettings(rate, baseline, baselineSamples, window, Duration.ofSeconds(seconds), pValue, share,
        webhook);
  }

  /** Whether any request is sampled. */
  public boolean samplingEnabled() {
    return sampleRate > 0;
  }

  /** Whether sampled requests are tested for drift: sampling on and a baseline source configured. */
  public boolean driftEnabled() {
    return sampleRate > 0 && (baselineFile.isPresent() || baselineSamples > 0);
  }

  /**
   * The baseline file inside {@code modelDirectory}, following symbolic links, checked to stay inside it.
   *
   * @throws IllegalArgumentException when no file is configured, it does not exist, or it resolves outside
   */
  public Path resolveBaseline(Path modelDirectory) {
    String name = baselineFile.orElseThrow(() -> new IllegalArgumentException(BASELINE + " is not set"));
    Path root = modelDirectory.toAbsolutePath().normalize();
    Path file = root.resolve(name).normalize();
    if (!file.startsWith(root) || file.equals(root)) {
      throw outside(name);
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(BASELINE + ": '" + name + "' is not a file in the model directory");
    }
    try {
      if (!file.toRealPath().startsWith(root.toRealPath())) {
        throw outside(name);
      }
    } catch (IOException unreadable) {
      throw new IllegalArgumentException(BASELINE + ": '" + name + "' cannot be resolved in the model directory");
    }
    return file;
  }

  private static IllegalArgumentException outside(String name) {
    return new IllegalArgumentException(BASELINE + ": '" + name
        + "' resolves outside the model directory (expected: a file inside it)");
  }

  private static void checkRelative(String name) {
    Path path;
    try {
      path = Path.of(name);
    } catch (InvalidPathException invalid) {
      throw new IllegalArgumentException(BASELINE + ": '" + name + "' is not a valid file name");
    }
    Path normalized = path.normalize();
    if (name.isBlank() || path.isAbsolute() || normalized.toString().isEmpty()
        || normalized.startsWith("..")) {
      throw new IllegalArgumentException(BASELINE + ": '" + name
          + "' (expected: a relative file name inside the model directory)");
    }
  }

  private static void checkWebhook(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      // the value is not echoed: URLs may carry credentials
      throw new IllegalArgumentException(WEBHOOK + ": not an http or https URL with a host");
    }
  }

  private static URI webhookUri(String value) {
    try {
      return new URI(value.trim());
    } catch (URISyntaxException invalid) {
      throw new IllegalArgumentException(WEBHOOK + ": not an http or https URL with a host");
    }
  }

  private static Optional<String> text(Map<String, ModelParameter> parameters, String key) {
    ModelParameter parameter = parameters.get(key);
    if (parameter == null || parameter.getStringValue().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(parameter.getStringValue().trim());
  }

  private static double decimal(Map<String, ModelParameter> parameters, String key, double fallback) {
    Optional<String> value = text(parameters, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.get());
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException notNumber) {
      // reported below with the parameter's name
    }
    throw new IllegalArgumentException(key + ": '" + value.get() + "' (expected: a number)");
  }

  private static long integer(Map<String, ModelParameter> parameters, String key, long fallback, long min,
      long max) {
    Optional<String> value = text(parameters, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException notInteger) {
      // reported below with the parameter's name
    }
    throw new IllegalArgumentException(key + ": '" + value.get() + "' (expected: an integer in " + min + ".."
        + max + ")");
  }
}
