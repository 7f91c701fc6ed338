package io.trireme.hatest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns VIP samples into ownership runs and finds moments with two owners. A run is a stretch of consecutive
 * samples of one node that all show the VIP, with no hole longer than {@code maxGapMicros} between them (a hole
 * means the node could not be looked at, e.g. while paused: nothing is claimed about that time). Two runs of
 * different nodes that overlap in time are two owners at once.
 */
final class Ownership {
  private Ownership() {}

  record Run(String node, long from, long to) {}

  /** A time span in which {@code node}'s samples are left out (it was cut off: its address could not be reached). */
  record Excluded(String node, long from, long to) {}

  record Overlap(Run a, Run b) {
    long micros() {
      return Math.min(a.to(), b.to()) - Math.max(a.from(), b.from());
    }

    @Override
    public String toString() {
      return a.node() + " and " + b.node() + " both held the VIP for " + Micros.ms(micros()) + " (" + a.node() + " "
          + a.from() + ".." + a.to() + ", " + b.node() + " " + b.from() + ".." + b.to() + " µs)";
    }
  }

  static List<Run> runs(String node, List<VipWatch.Sample> samples, long maxGapMicros, List<Excluded> excluded) {
    List<Run> runs = new ArrayList<>();
    long from = -1;
    long last = -1;
    for (VipWatch.Sample s : samples) {
      boolean skip = excluded.stream().anyMatch(e -> e.node().equals(node) && s.micros() >= e.from()
          && s.micros() <= e.to());
      if (skip) continue;
      boolean gap = last >= 0 && s.micros() - last > maxGapMicros;
      if (from >= 0 && (!s.holds() || gap)) {
        runs.add(new Run(node, from, last));
        from = -1;
      }
      if (s.holds() && from < 0) from = s.micros();
      last = s.micros();
    }
    if (from >= 0) runs.add(new Run(node, from, last));
    return runs;
  }

  /** Every pair of runs of different nodes that overlap. */
  static List<Overlap> overlaps(Map<String, List<VipWatch.Sample>> samples, long maxGapMicros,
      List<Excluded> excluded) {
    List<Run> all = new ArrayList<>();
    samples.forEach((node, list) -> all.addAll(runs(node, list, maxGapMicros, excluded)));
    List<Overlap> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        Run a = all.get(i);
        Run b = all.get(j);
        if (!a.node().equals(b.node()) && a.from() <= b.to() && b.from() <= a.to()) out.add(new Overlap(a, b));
      }
    }
    return out;
  }

  /** The longest hole between two consecutive samples of any node, outside the given spans. */
  static long longestHole(Map<String, List<VipWatch.Sample>> samples, List<Excluded> ignore) {
    long worst = 0;
    for (var e : samples.entrySet()) {
      long prev = -1;
      for (VipWatch.Sample s : e.getValue()) {
        if (prev >= 0) {
          long p = prev;
          boolean ignored = ignore.stream().anyMatch(x -> x.node().equals(e.getKey()) && x.from() <= s.micros()
              && p <= x.to());
          if (!ignored) worst = Math.max(worst, s.micros() - prev);
        }
        prev = s.micros();
      }
    }
    return worst;
  }
}
