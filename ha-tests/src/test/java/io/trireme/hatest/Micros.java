package io.trireme.hatest;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch: the one time base of a drill. Containers share the host's
 * kernel clock, so the samples taken inside them ({@code $EPOCHREALTIME}) and the test's own events line up.
 */
final class Micros {
  private Micros() {}

  static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  /** {@code 1795363306.824460} (bash's {@code $EPOCHREALTIME}) in microseconds. */
  static long parseEpochRealtime(String s) {
    int dot = s.indexOf('.');
    if (dot < 0) return Long.parseLong(s) * 1_000_000L;
    String frac = (s.substring(dot + 1) + "000000").substring(0, 6);
    return Long.parseLong(s.substring(0, dot)) * 1_000_000L + Long.parseLong(frac);
  }

  static String ms(long micros) {
    return String.format("%.0f ms", micros / 1000.0);
  }
}
