package io.trireme.hatest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final long GAP = 300_000;
  /** How long one look ({@code ip addr}) takes in these samples. */
  private static final long LOOK = 5_000;

  /** A look every 50 ms from {@code from} to {@code to} (µs), holding the VIP in {@code [holdFrom, holdTo)}. */
  private static List<VipWatch.Sample> samples(long from, long to, long holdFrom, long holdTo) {
    List<VipWatch.Sample> out = new ArrayList<>();
    for (long t = from; t <= to; t += 50_000) out.add(new VipWatch.Sample(t, t + LOOK, t >= holdFrom && t < holdTo));
    return out;
  }

  @Test
  void handOver_withoutCommonMoment_noOverlap() {
    var s = Map.of(
        "node1", samples(0, 2_000_000, 0, 1_000_000),
        "node2", samples(25_000, 2_025_000, 1_025_000, 3_000_000));
    assertThat(Ownership.overlaps(s, GAP, List.of())).isEmpty();
  }

  @Test
  void bothHoldingAtOnce_isAnOverlap() {
    var s = Map.of(
        "node1", samples(0, 2_000_000, 0, 1_200_000),
        "node2", samples(25_000, 2_025_000, 1_025_000, 3_000_000));
    List<Ownership.Overlap> o = Ownership.overlaps(s, GAP, List.of());
    assertThat(o).hasSize(1);
    // node1 surely held until its last holding look began (1.15 s), node2 surely from its first look's end (1.03 s)
    assertThat(o.get(0).micros()).isEqualTo(1_150_000 - (1_025_000 + LOOK));
  }

  @Test
  void slowLook_doesNotMakeUpAnOverlap() {
    // node1's last holding look started at 0.9 s but took 0.4 s; node2 was seen holding from 1.05 s
    List<VipWatch.Sample> n1 = new ArrayList<>(samples(0, 850_000, 0, 1_000_000));
    n1.add(new VipWatch.Sample(900_000, 1_300_000, true));
    n1.add(new VipWatch.Sample(1_350_000, 1_355_000, false));
    var s = Map.of("node1", n1, "node2", samples(1_050_000, 2_000_000, 0, 3_000_000));
    assertThat(Ownership.overlaps(s, GAP, List.of())).isEmpty();
  }

  @Test
  void singleLook_insideAnothersSureSpan_isAnOverlap() {
    List<VipWatch.Sample> n2 = new ArrayList<>(samples(25_000, 475_000, 0, 0));
    n2.add(new VipWatch.Sample(525_000, 530_000, true));
    n2.addAll(samples(575_000, 1_025_000, 0, 0));
    var s = Map.of("node1", samples(0, 1_000_000, 0, 2_000_000), "node2", n2);
    assertThat(Ownership.overlaps(s, GAP, List.of())).hasSize(1);
  }

  @Test
  void holeInSamples_claimsNothingAboutTheHole() {
    // node1 frozen from 1.0 s to 2.0 s (no samples), holding before and after; node2 held in between
    List<VipWatch.Sample> n1 = new ArrayList<>(samples(0, 1_000_000, 0, 5_000_000));
    n1.addAll(samples(2_000_000, 2_200_000, 0, 2_100_000));
    var s = Map.of("node1", n1, "node2", samples(25_000, 2_025_000, 1_225_000, 1_975_000));
    assertThat(Ownership.overlaps(s, GAP, List.of())).isEmpty();
    // ...but holding on after the hole while node2 still holds is two owners
    var late = Map.of("node1", n1, "node2", samples(25_000, 2_225_000, 1_225_000, 2_150_000));
    assertThat(Ownership.overlaps(late, GAP, List.of())).hasSize(1);
  }

  @Test
  void excludedSpan_isLeftOut() {
    var s = Map.of(
        "node1", samples(0, 3_000_000, 0, 2_000_000),
        "node2", samples(25_000, 3_025_000, 1_025_000, 4_000_000));
    assertThat(Ownership.overlaps(s, GAP, List.of(new Ownership.Excluded("node1", 1_000_000, 2_500_000)))).isEmpty();
    assertThat(Ownership.overlaps(s, GAP, List.of(new Ownership.Excluded("node1", 1_500_000, 2_500_000))))
        .hasSize(1);
  }

  @Test
  void longestHole_ignoresExcludedSpans() {
    List<VipWatch.Sample> n1 = new ArrayList<>(samples(0, 1_000_000, 0, 0));
    n1.addAll(samples(3_000_000, 3_100_000, 0, 0));
    var s = Map.of("node1", n1);
    assertThat(Ownership.longestHole(s, List.of())).isEqualTo(2_000_000 - LOOK);
    assertThat(Ownership.longestHole(s, List.of(new Ownership.Excluded("node1", 1_000_000, 3_000_000))))
        .isEqualTo(50_000 - LOOK);
  }

  @Test
  void epochRealtime_parsesToMicros() {
    assertThat(Micros.parseEpochRealtime("1795363306.824460")).isEqualTo(1_795_363_306_824_460L);
    assertThat(Micros.parseEpochRealtime("1795363306.8")).isEqualTo(1_795_363_306_800_000L);
  }
}
