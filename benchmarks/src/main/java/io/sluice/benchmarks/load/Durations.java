package io.sluice.benchmarks.load;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parses and prints human durations: {@code 10s}, {@code 500ms}, {@code 250us}, {@code 2m}, {@code 1h}. */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)?");

  /** Parses a duration; a bare number is seconds; ISO-8601 ({@code PT10S}) is accepted too. */
  public static Duration parse(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.startsWith("pt")) {
      return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' (expected: a duration such as 10s, 500ms, 250us, 2m)");
    }
    double value = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    double nanosPerUnit = switch (unit) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      default -> 1e9;
    };
    return Duration.ofNanos(Math.round(value * nanosPerUnit));
  }

  /** Prints a duration in its largest exact unit: {@code 10s}, {@code 1500ms}, {@code 250us}. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  /** Prints microseconds as a short human latency: {@code 850 us}, {@code 5.12 ms}, {@code 1.50 s}. */
  public static String formatMicros(double micros) {
    if (micros < 1000) {
      return String.format(Locale.ROOT, "%.0f us", micros);
    }
    if (micros < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }
    return String.format(Locale.ROOT, "%.2f s", micros / 1_000_000);
  }

  /** Prints a rate without a useless fraction: {@code 200}, {@code 12.5}. */
  public static String formatRate(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : String.format(Locale.ROOT, "%.2f", rate);
  }

  private Durations() {}

  /** The picocli converter for duration options. */
  public static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
