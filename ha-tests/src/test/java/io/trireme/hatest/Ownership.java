package io.trireme.hatest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns VIP samples into ownership runs and finds moments with two owners for certain. A run is a stretch of
 * consecutive samples of one node that all show the VIP, with no hole longer than {@code maxGapMicros} between
 * them (a hole means the node could not be looked at, e.g. while paused: nothing is claimed about that time).
 * A sample is an observation somewhere in {@code [before, after]}, so a run surely covers
 * {@code [after of its first sample, before of its last]}; a run of one sample only says "some moment in
 * {@code [before, after]}". Two owners are certain when two nodes' sure spans intersect, or when one node's single
 * moment lies wholly inside another's sure span. Slow samples on a loaded machine therefore never make an overlap
 * up; they only make the check less sharp (see {@link #longestHole}).
 */
final class Ownership {
  private Ownership() {}

  /** {@code from..to}: the sure span, or for a single-sample run ({@code point}) the window of its one moment. */
  record Run(String node, long from, long to, boolean point) {}

  /** A time span in which {@code node}'s samples are left out (it was cut off: its address could not be reached). */
  record Excluded(String node, long from, long to) {}

  record Overlap(Run a, Run b) {
    long micros() {
      return Math.max(0, Math.min(a.to(), b.to()) - Math.max(a.from(), b.from()));
    }

    @Override
    public String toString() {
      return a.node() + " and " + b.node() + " both held the VIP for at least " + Micros.ms(micros()) + " ("
          + a.node() + " " + a.from() + ".." + a.to() + ", " + b.node() + " " + b.from() + ".." + b.to() + " µs)";
    }
  }

  static List<Run> runs(String node, List<VipWatch.Sample> samples, long maxGapMicros, List<Excluded> excluded) {
    List<Run> runs = new ArrayList<>();
    VipWatch.Sample first = null;
    VipWatch.Sample last = null;
    for (VipWatch.Sample s : samples) {
      boolean skip = excluded.stream().anyMatch(e -> e.node().equals(node) && s.after() >= e.from()
          && s.before() <= e.to());
      if (skip) continue;
      boolean gap = last != null && s.before() - last.before() > maxGapMicros;
      if (first != null && (!s.holds() || gap)) {
        runs.add(run(node, first, last));
        first = null;
      }
      if (s.holds() && first == null) first = s;
      last = s;
    }
    if (first != null) runs.add(run(node, first, last));
    return runs;
  }

  private static Run run(String node, VipWatch.Sample first, VipWatch.Sample last) {
    if (first == last || first.after() > last.before()) {
      return new Run(node, first.before(), first == last ? first.after() : last.after(), true);
    }
    return new Run(node, first.after(), last.before(), false);
  }

  private static boolean certainlyTogether(Run a, Run b) {
    if (!a.point() && !b.point()) return a.from() <= b.to() && b.from() <= a.to();
    if (a.point() && !b.point()) return b.from() <= a.from() && a.to() <= b.to();
    if (!a.point() && b.point()) return a.from() <= b.from() && b.to() <= a.to();
    return false; // two single moments somewhere in their windows: nothing certain
  }

  /** Every pair of runs of different nodes that certainly held the VIP at the same moment. */
  static List<Overlap> overlaps(Map<String, List<VipWatch.Sample>> samples, long maxGapMicros,
      List<Excluded> excluded) {
    List<Run> all = new ArrayList<>();
    samples.forEach((node, list) -> all.addAll(runs(node, list, maxGapMicros, excluded)));
    List<Overlap> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        Run a = all.get(i);
        Run b = all.get(j);
        if (!a.node().equals(b.node()) && certainlyTogether(a, b)) out.add(new Overlap(a, b));
      }
    }
    return out;
  }

  /** The longest time any node went unobserved (one sample's end to the next one's start), outside the spans. */
  static long longestHole(Map<String, List<VipWatch.Sample>> samples, List<Excluded> ignore) {
    long worst = 0;
    for (var e : samples.entrySet()) {
      VipWatch.Sample prev = null;
      for (VipWatch.Sample s : e.getValue()) {
        if (prev != null) {
          long p = prev.after();
          boolean ignored = ignore.stream().anyMatch(x -> x.node().equals(e.getKey()) && x.from() <= s.before()
              && p <= x.to());
          if (!ignored) worst = Math.max(worst, s.before() - p);
        }
        prev = s;
      }
    }
    return worst;
  }
}
