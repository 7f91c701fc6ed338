package io.trireme.node.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in config files: {@code 300ms}, {@code 2s}, {@code 10m}, {@code 1h} or ISO-8601. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("expected a duration like 300ms, got nothing");
    String s = text.trim();
    Matcher m = SIMPLE.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected a duration like 300ms, 2s, 10m or PT0.3S, got '" + text + "'");
    }
  }

  /** The shortest exact form {@link #parse} reads back. */
  public static String format(Duration d) {
    if (d.isNegative()) return d.toString();
    long ms = d.toMillis();
    if (!Duration.ofMillis(ms).equals(d)) return d.toString();
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0 && ms > 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
